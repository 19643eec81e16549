// The lab widgets every lab page uses, available in MDX without imports.

import Architecture from '@site/src/components/Architecture';
import Checkpoints from '@site/src/components/Checkpoints';
import ClassJoin from '@site/src/components/ClassJoin';
import CliCommand from '@site/src/components/CliCommand';
import Cost from '@site/src/components/Cost';
import Deploy from '@site/src/components/Deploy';
import ExecutionView from '@site/src/components/ExecutionView';
import LabTests from '@site/src/components/LabTests';
import MessageFlow from '@site/src/components/MessageFlow';
import Metrics from '@site/src/components/Metrics';
import Run from '@site/src/components/Run';
import StepCode from '@site/src/components/StepCode';
import MDXComponents from '@theme-original/MDXComponents';

export default {
  ...MDXComponents,
  Architecture,
  Checkpoints,
  ClassJoin,
  CliCommand,
  Cost,
  Deploy,
  ExecutionView,
  LabTests,
  MessageFlow,
  Metrics,
  Run,
  StepCode,
};
