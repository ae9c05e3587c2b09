/** The element with this id, checked to be of the expected kind: the page and the script must agree. */
export function byId<T extends HTMLElement>(id: string, kind: new () => T): T {
  const element = document.getElementById(id);
  if (!(element instanceof kind)) {
    throw new Error(`#${id} is missing or is not a ${kind.name}`);
  }
  return element;
}
