import { createObjectTests } from '../../testing/object-functions.ts';
import { createSecret } from './function.ts';

createObjectTests('secret', createSecret);
