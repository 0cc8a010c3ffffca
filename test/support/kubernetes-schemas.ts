// Validates Kubernetes objects against the OpenAPI-derived JSON schemas shipped by the
// kubernetes-models package (one model class per apiVersion/kind, `validate()` throws on a
// violation, including unknown fields where the schema closes the object).
type Validatable = { validate(): void };
type ModelClass = new (data: Record<string, unknown>) => Validatable;

function modulePath(apiVersion: string, kind: string): string {
  return `kubernetes-models/${apiVersion}/${kind}`;
}

/** Validates `object`; resolves to undefined when valid, or the validation error message. */
export async function validateKubernetesObject(object: Record<string, unknown>): Promise<string | undefined> {
  const apiVersion = String(object['apiVersion']);
  const kind = String(object['kind']);
  const mod = (await import(modulePath(apiVersion, kind))) as Record<string, ModelClass>;
  const Model = mod[kind];
  if (Model === undefined) return `no model for ${apiVersion} ${kind}`;
  try {
    new Model(object).validate();
    return undefined;
  } catch (error) {
    return `${apiVersion} ${kind}: ${(error as Error).message}`;
  }
}
