import { createObjectTests } from '../../testing/object-functions.ts';
import { createConfig } from './function.ts';

createObjectTests('config', createConfig);
