import type { GetTemplateSummaryOutput } from '@aws-sdk/client-cloudformation';
import { requiredCapability } from './parameters.ts';
import type { Template } from './template.ts';

/**
 * What GetTemplateSummary tells about a template: its parameters, resource types, the
 * capability it needs and why. ResourceIdentifierSummaries (used to import existing resources)
 * are left out: the local cloud does not import resources.
 */
export function templateSummary(template: Template): GetTemplateSummaryOutput {
  const capability = requiredCapability(template);
  return {
    Parameters: Object.entries(template.Parameters ?? {}).map(([ParameterKey, p]) => ({
      ParameterKey,
      DefaultValue: p.Default === undefined ? undefined : String(p.Default),
      ParameterType: p.Type,
      NoEcho: String(p.NoEcho) === 'true',
      Description: p.Description,
      ParameterConstraints: p.AllowedValues ? { AllowedValues: p.AllowedValues.map(String) } : {},
    })),
    Description: template.Description,
    Capabilities: capability ? [capability.capability] : undefined,
    CapabilitiesReason: capability ? `The following resource(s) require capabilities: [${capability.types.join(', ')}]` : undefined,
    ResourceTypes: [...new Set(Object.values(template.Resources).map((r) => r.Type))],
    Version: template.AWSTemplateFormatVersion,
    Metadata: template.Metadata === undefined ? undefined : JSON.stringify(template.Metadata),
    DeclaredTransforms: [],
  };
}
