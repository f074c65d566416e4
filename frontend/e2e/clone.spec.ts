// A colleague's workflow opens read-only, says why, and "Clone to edit" gives an editable copy.
import { OBJECT_ID, allCanvasNodes, canvasNode, expect, getJson, seed, test } from "./support";

const GREETING = seed.operations.greeting.title;

interface Workflow {
  id: string;
  author_name: string;
  parent_node: string | null;
  readonly: boolean;
  nodes: { title: string; parameters: { name: string; value: unknown }[] }[];
}

test("clone a read-only workflow and change one parameter", async ({ page, api }) => {
  const shared = seed.workflows.shared;
  await page.goto(`/workflows/${shared.id}`);
  await expect(allCanvasNodes(page)).toHaveCount(2);
  await expect(page.getByText(/viewing bob's workflow/i)).toBeVisible();
  // Nothing offers to save what may not be changed.
  const save = page.getByRole("button", { name: "Save" });
  if ((await save.count()) > 0) await expect(save).toBeDisabled();

  await page.getByRole("button", { name: "Clone to edit" }).click();
  await expect(page).not.toHaveURL(new RegExp(`/workflows/${shared.id}$`));
  await expect(page).toHaveURL(new RegExp(`/workflows/${OBJECT_ID.source}$`));
  const copyId = page.url().split("/").pop() as string;
  await expect(page.getByText(/viewing bob's workflow/i)).toHaveCount(0);
  await expect(allCanvasNodes(page)).toHaveCount(2);

  await canvasNode(page, GREETING).click();
  await page.getByRole("complementary", { name: "Properties" }).getByLabel("count", { exact: true }).fill("5");
  // Ctrl+S saves, even from the field just edited.
  await expect(page.getByText("Unsaved changes")).toBeVisible();
  await page.keyboard.press("Control+s");
  await expect(page.getByText("Unsaved changes")).toBeHidden();

  const copy = await getJson<Workflow>(api, `workflows/${copyId}/`);
  expect(copy.author_name).toBe("alice");
  expect(copy.parent_node).toBe(shared.id);
  expect(copy.readonly).toBe(false);
  const greeting = copy.nodes.find((node) => node.title === GREETING);
  expect(greeting?.parameters.find((p) => p.name === "count")?.value).toBe(5);
  // The original is untouched.
  const original = await getJson<Workflow>(api, `workflows/${shared.id}/`);
  const before = original.nodes.find((node) => node.title === GREETING);
  expect(before?.parameters.find((p) => p.name === "count")?.value).toBe(3);
});
