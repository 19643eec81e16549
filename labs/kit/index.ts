// What lab code (stacks aside) imports: clients for the current target, stack outputs,
// checkpoint helpers and log access.
export * from './checkpoint.ts';
export * from './clients.ts';
export { type LabContext, labContext, oncePerRun, print } from './context.ts';
export * from './http.ts';
export * from './lab.ts';
export * from './logs.ts';
export * from './outputs.ts';
export * from './target.ts';
