import type { SidebarsConfig } from '@docusaurus/plugin-content-docs';

const sidebars: SidebarsConfig = {
  labs: ['intro', 'lab-0-setup/index', 'lab-1-fan-out/index', 'lab-3-scatter-gather/index', 'lab-4-saga/index', 'lab-5-messaging-and-streaming/index'],
};

export default sidebars;
