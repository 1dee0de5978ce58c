// The workspace's shared test settings (timeouts for a loaded CI machine).
export { default } from '../../vitest.shared.js';
