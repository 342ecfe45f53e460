import type { Metadata } from 'next';
import { NotBuiltYet } from '../../../components/ui/not-built-yet';

export const metadata: Metadata = { title: 'Settings' };

export default function Page() {
  return <NotBuiltYet area="Settings" />;
}
