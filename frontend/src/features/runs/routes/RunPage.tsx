import { useParams } from "react-router-dom";

/** One run: its graph with live node states, logs and output previews. */
export function RunPage() {
  const { runId = "" } = useParams();
  return (
    <section className="page">
      <h1>Run {runId}</h1>
    </section>
  );
}
