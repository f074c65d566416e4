import { useParams } from "react-router-dom";

/** The operation editor. */
export function OperationPage() {
  const { operationId = "" } = useParams();
  return (
    <section className="page">
      <h1>Operation {operationId}</h1>
    </section>
  );
}
