// A wire dropped on empty canvas offers the operations that can take it, and picking one adds
// and connects it.
import { OBJECT_ID, allCanvasNodes, canvasNode, dragFromCatalog, edges, expect, port, seed, test } from "./support";

const GREETING = seed.operations.greeting.title; // a file out
const SHOUT = seed.operations.shout.title; // a file in
const CONCAT = seed.operations.concat.title; // any number of files in
const TABLE = seed.operations.table.title; // no inputs

test("a wire dropped on empty canvas offers only operations that fit", async ({ page }) => {
  await page.goto("/workflows");
  await page.getByRole("button", { name: "New workflow" }).click();
  await expect(page).toHaveURL(new RegExp(`/workflows/${OBJECT_ID.source}$`));
  await dragFromCatalog(page, GREETING, { x: 120, y: 160 });

  const output = await port(canvasNode(page, GREETING), "greeting", "source").boundingBox();
  if (!output) throw new Error("the output port is not on screen");
  await page.mouse.move(output.x + output.width / 2, output.y + output.height / 2);
  await page.mouse.down();
  await page.mouse.move(output.x + 320, output.y + 40, { steps: 12 });
  await page.mouse.up();

  const menu = page.getByRole("menu", { name: /Operations that fit/ });
  await expect(menu).toBeVisible();
  await expect(menu.getByRole("menuitem", { name: new RegExp(SHOUT) })).toBeVisible();
  await expect(menu.getByRole("menuitem", { name: new RegExp(CONCAT) })).toBeVisible();
  await expect(menu.getByRole("menuitem", { name: new RegExp(TABLE) })).toHaveCount(0);

  await menu.getByRole("menuitem", { name: new RegExp(SHOUT) }).click();
  await expect(menu).toBeHidden();
  await expect(allCanvasNodes(page)).toHaveCount(2);
  await expect(edges(page)).toHaveCount(1);
});
