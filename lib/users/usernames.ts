/**
 * One spelling per account (api-contract 1.1): Unicode NFKC, then lower case, so `Admin`, `ADMIN` and the
 * full-width `ａｄｍｉｎ` all name `admin`. Applied at creation and wherever input names a user (login, grant,
 * revoke, delete), so no look-alike account can be created beside another.
 */
export const normalizeUsername = (name: string): string => name.normalize('NFKC').toLowerCase();
