import type { SidebarsConfig } from '@docusaurus/plugin-content-docs';

const sidebars: SidebarsConfig = {
  labs: ['intro', 'lab-0-setup/index', 'lab-1-fan-out/index', 'lab-2-topic-queue-chaining/index'],
};

export default sidebars;
