// Wraps the sidebar's links to mark a lab's steps done (✓) when all their checkpoints passed:
// wrapping keeps the original link, its active state and its accessibility.

import DoneMark from '@site/src/components/DoneMark';
import { useProgress } from '@site/src/components/ProgressProvider';
import { standing } from '@site/src/lib/progress';
import Link from '@theme-original/DocSidebarItem/Link';
import type { ComponentProps } from 'react';

type Props = ComponentProps<typeof Link>;

export default function LinkWithProgress(props: Props) {
  const { labs, progress } = useProgress();
  const custom = props.item.customProps as { lab?: string; step?: number } | undefined;
  const lab = custom?.lab && labs.find((l) => l.id === custom.lab);
  const done = lab && custom?.step !== undefined && standing(lab, progress, lab.id).stepsDone.includes(custom.step);
  if (!done) return <Link {...props} />;
  return (
    <Link
      {...props}
      item={{
        ...props.item,
        label: (
          <>
            <DoneMark what="step" />
            {props.item.label}
          </>
        ) as unknown as string,
        className: `${props.item.className ?? ''} sidebar-done`,
      }}
    />
  );
}
