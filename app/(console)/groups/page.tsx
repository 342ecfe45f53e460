import type { Metadata } from 'next';
import { NotBuiltYet } from '../../../components/ui/not-built-yet';

export const metadata: Metadata = { title: 'Consumer groups' };

export default function Page() {
  return <NotBuiltYet area="Consumer groups" />;
}
