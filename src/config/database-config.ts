/** Which database backs the accounts and call history. */
export type DatabaseConfig = { type: 'sqlite'; path: string } | { type: 'postgres'; url: string };
