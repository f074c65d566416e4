import type { Problem } from "./draft";

/** The problems of one field, next to it. */
export function FieldProblems({ problems }: { problems: readonly Problem[] }) {
  if (problems.length === 0) return null;
  return (
    <div className="op-problems" role="alert">
      {problems.map((problem, index) => (
        <p key={index}>{problem.message}</p>
      ))}
    </div>
  );
}

/** The problems of a section that name none of its rows (`names`). */
export function SectionProblems({ problems, names }: { problems: readonly Problem[]; names: readonly string[] }) {
  return <FieldProblems problems={problems.filter((problem) => problem.name === undefined || !names.includes(problem.name))} />;
}
