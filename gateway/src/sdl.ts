import {
  Kind,
  valueFromASTUntyped,
  type DefinitionNode,
  type DirectiveNode,
  type InterfaceTypeDefinitionNode,
  type InterfaceTypeExtensionNode,
  type ObjectTypeDefinitionNode,
  type ObjectTypeExtensionNode,
} from 'graphql';

/** An object or interface type, defined or extended: the definitions whose fields carry field directives. */
export type FieldContainerNode =
  ObjectTypeDefinitionNode | ObjectTypeExtensionNode | InterfaceTypeDefinitionNode | InterfaceTypeExtensionNode;

/** Whether a definition is a {@link FieldContainerNode}. */
export function isFieldContainer(definition: DefinitionNode): definition is FieldContainerNode {
  return (
    definition.kind === Kind.OBJECT_TYPE_DEFINITION ||
    definition.kind === Kind.INTERFACE_TYPE_DEFINITION ||
    definition.kind === Kind.OBJECT_TYPE_EXTENSION ||
    definition.kind === Kind.INTERFACE_TYPE_EXTENSION
  );
}

/** A directive's arguments as plain values (`@listSize(assumedSize: 5)` → `{ assumedSize: 5 }`). */
export function directiveArguments(directive: DirectiveNode): Record<string, unknown> {
  return Object.fromEntries((directive.arguments ?? []).map((a) => [a.name.value, valueFromASTUntyped(a.value)]));
}
