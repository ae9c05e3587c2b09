#!/bin/sh
# with-env.sh FILE COMMAND [ARGS...]: exports the KEY=VALUE lines of FILE (written by the setup
# step: the values that depend on the host's address, and where each secret's file is), then
# runs COMMAND. Values are taken literally: no quotes, no expansion, nothing is evaluated.
set -eu

file=$1
shift
if [ ! -r "$file" ]; then
  echo "with-env: cannot read $file: did the setup service run? (docker compose up runs it first)" >&2
  exit 66
fi
while IFS= read -r line || [ -n "$line" ]; do
  case $line in
    '' | '#'*) continue ;;
  esac
  key=${line%%=*}
  value=${line#*=}
  case $key in
    '' | [0-9]* | *[!A-Za-z0-9_]*)
      echo "with-env: $file has a line that is not KEY=VALUE" >&2
      exit 65
      ;;
  esac
  export "$key=$value"
done <"$file"
exec "$@"
