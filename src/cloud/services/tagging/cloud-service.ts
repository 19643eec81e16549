import { MiB, type ServiceDefinition } from '../../service.ts';
import { TaggingService } from './service.ts';
import { tagSources } from './sources.ts';

/**
 * The Resource Groups Tagging API (GetResources), which the leftovers check uses. It keeps
 * nothing itself: it reads the tags every other service keeps, when a request comes.
 */
export const tagging: ServiceDefinition = {
  build: ({ services }) => {
    const tagging = new TaggingService(tagSources(services));
    return {
      service: {
        name: 'tagging',
        // GetResources takes filters of a few KB at most.
        maxBodyBytes: MiB,
        protocol: {
          kind: 'json',
          title: 'Resource Groups Tagging API',
          targetPrefix: 'ResourceGroupsTaggingAPI_20170126',
          actions: tagging.actions,
        },
      },
      provides: {},
    };
  },
};
