export * from './host-api';
export * from './hooks';
