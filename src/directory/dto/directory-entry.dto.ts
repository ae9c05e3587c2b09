/**
 * An account found in the directory (`GET /users?search=`). `online` is there only for your
 * contacts: for everyone else it is absent, not false, so a search says nothing about them.
 */
export interface DirectoryEntryDto {
  username: string;
  displayName: string;
  /** One of your accepted contacts. */
  contact: boolean;
  online?: boolean;
}
