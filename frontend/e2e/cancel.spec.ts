// Cancel a running workflow from the run view: the running node stops and says CANCELED.
import { OBJECT_ID, canvasNode, expect, getJson, runStatuses, screenshot, seed, test } from "./support";

const SLEEP = seed.operations.sleep.title;

test("cancel a running workflow", async ({ page, api }) => {
  await page.goto(`/workflows/${seed.workflows.longJob.id}`);
  await expect(canvasNode(page, SLEEP)).toBeVisible();
  await page.getByRole("button", { name: "Run", exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/runs/${OBJECT_ID.source}$`));
  const runId = page.url().split("/").pop() as string;

  // Running, and its log followed while it is written.
  await expect(canvasNode(page, SLEEP)).toHaveAttribute("data-status", "RUNNING", { timeout: 20_000 });
  await canvasNode(page, SLEEP).click();
  const log = page.getByRole("region", { name: "Log" });
  await log.getByRole("tab", { name: "stdout" }).click();
  await expect(log).toContainText("tick 2", { timeout: 15_000 });
  await screenshot(page, "running-workflow");

  await page.getByRole("button", { name: "Cancel", exact: true }).click();
  await expect(canvasNode(page, SLEEP)).toHaveAttribute("data-status", "CANCELED", { timeout: 20_000 });
  const run = await getJson<{ status: string }>(api, `runs/${runId}/`);
  expect(run.status).toBe("CANCELED");
  expect(await runStatuses(api, runId)).toEqual({ [SLEEP]: "CANCELED" });
  // A canceled run is over: nothing left to cancel, and it may be re-run.
  await expect(page.getByRole("button", { name: "Cancel", exact: true })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Re-run failed" })).toBeVisible();
});
