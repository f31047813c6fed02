/**
 * Whether the module takes events and serves pages: false until activate() and after
 * deactivate(). Hooks and the dispatcher read it; only the entry sets it.
 */
export class ModuleState {
  active = false;
}
