// Wraps the sidebar's lab categories to mark a lab done (✓) when every checkpoint of it passed.

import DoneMark from '@site/src/components/DoneMark';
import { useProgress } from '@site/src/components/ProgressProvider';
import { standing } from '@site/src/lib/progress';
import Category from '@theme-original/DocSidebarItem/Category';
import type { ComponentProps } from 'react';

type Props = ComponentProps<typeof Category>;

export default function CategoryWithProgress(props: Props) {
  const { labs, progress } = useProgress();
  const custom = props.item.customProps as { lab?: string } | undefined;
  const lab = custom?.lab && labs.find((l) => l.id === custom.lab);
  if (!lab || !standing(lab, progress, lab.id).done) return <Category {...props} />;
  return (
    <Category
      {...props}
      item={{
        ...props.item,
        label: (
          <>
            <DoneMark what="lab" />
            {props.item.label}
          </>
        ) as unknown as string,
        className: `${props.item.className ?? ''} sidebar-done`,
      }}
    />
  );
}
