/** `npm run -s token -- admin|staff`: prints a bearer token that the local stack accepts. */
import { signToken, type TokenRole } from '#local/issuer';
import { defaultStateDir } from '#local/stack';

const role = process.argv[2] ?? 'admin';
if (role !== 'admin' && role !== 'staff' && role !== 'none') {
  console.error('usage: npm run -s token -- admin|staff');
  process.exit(2);
}
console.log(await signToken(defaultStateDir, role as TokenRole));
