import { rotateObjectTests } from '../../testing/object-functions.ts';
import { rotateConfig } from './function.ts';

rotateObjectTests('config', rotateConfig);
