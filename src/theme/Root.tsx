// Root wraps every page once: the learner's progress is shared by the sidebar, the home page and
// the lab widgets, and the reading position is followed here.

import ProgressProvider from '@site/src/components/ProgressProvider';
import ResumeReading from '@site/src/components/ResumeReading';
import type { ReactNode } from 'react';

export default function Root({ children }: { children: ReactNode }) {
  return (
    <ProgressProvider>
      <ResumeReading />
      {children}
    </ProgressProvider>
  );
}
