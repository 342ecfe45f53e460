/** Topic / broker permission bits (RocketMQ `PermName`). */
export const PERM_PRIORITY = 0x8;
export const PERM_READ = 0x4;
export const PERM_WRITE = 0x2;
export const PERM_INHERIT = 0x1;

/** Read + write: what auto-created and ordinary topics get. */
export const PERM_READ_WRITE = PERM_READ | PERM_WRITE;

export function isReadable(perm: number): boolean {
  return (perm & PERM_READ) === PERM_READ;
}

export function isWriteable(perm: number): boolean {
  return (perm & PERM_WRITE) === PERM_WRITE;
}

export function isInherited(perm: number): boolean {
  return (perm & PERM_INHERIT) === PERM_INHERIT;
}

/** `PermName.perm2String`, e.g. "RW-". */
export function permToString(perm: number): string {
  return `${isReadable(perm) ? 'R' : '-'}${isWriteable(perm) ? 'W' : '-'}${isInherited(perm) ? 'X' : '-'}`;
}
