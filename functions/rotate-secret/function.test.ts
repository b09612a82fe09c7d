import { rotateObjectTests } from '../../testing/object-functions.ts';
import { rotateSecret } from './function.ts';

rotateObjectTests('secret', rotateSecret);
