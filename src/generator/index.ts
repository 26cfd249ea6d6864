export { generateEvents, type GeneratedEvents, type GenerateOptions } from './generateEvents.ts';
export { loadGeneratedEvents, type LoadProgress, type LoadResult } from './loadGeneratedEvents.ts';
export { writeGeneratedEvents } from './writeGeneratedEvents.ts';
