export { stackRefInput as removeStackInput } from '../inspect-stack/schema.ts';
