// The lab widgets every lab page uses, available in MDX without imports.
import MDXComponents from '@theme-original/MDXComponents';
import Checkpoints from '@site/src/components/Checkpoints';
import CliCommand from '@site/src/components/CliCommand';
import Deploy from '@site/src/components/Deploy';
import LabTests from '@site/src/components/LabTests';
import MessageFlow from '@site/src/components/MessageFlow';
import Metrics from '@site/src/components/Metrics';
import Run from '@site/src/components/Run';
import StepCode from '@site/src/components/StepCode';

export default {
  ...MDXComponents,
  Checkpoints,
  CliCommand,
  Deploy,
  LabTests,
  MessageFlow,
  Metrics,
  Run,
  StepCode,
};
