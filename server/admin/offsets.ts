import type { AdminTransport } from './admin-transport';
import { AdminError, type ResetPreviewRow, type ResetTarget } from './admin-types';

export async function previewResetOffset(_t: AdminTransport, _group: string, _topic: string, _target: ResetTarget): Promise<ResetPreviewRow[]> {
  throw new AdminError('INVALID', 'reset offset preview is not available yet');
}

export async function resetOffset(_t: AdminTransport, _group: string, _topic: string, _target: ResetTarget): Promise<ResetPreviewRow[]> {
  throw new AdminError('INVALID', 'reset offset is not available yet');
}
