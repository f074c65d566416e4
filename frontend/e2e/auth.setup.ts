// Log in through the log-in page (multi-user mode) once; every spec reuses the session.
import { expect, test as setup } from "@playwright/test";

import { AUTH_STATE } from "./paths";
import { seed } from "./support";

setup("log in as the seeded user through the log-in page", async ({ page }) => {
  const { username, password } = seed.users.alice;
  await page.goto("/workflows");
  // Not signed in: the app sends us to the log-in page, remembering where we were going.
  await expect(page).toHaveURL(/\/login/);
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill("not the password");
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page.getByRole("alert")).toBeVisible();
  await expect(page).toHaveURL(/\/login/);

  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page).toHaveURL(/\/workflows$/);
  await expect(page.getByRole("link", { name: seed.workflows.shared.title })).toBeVisible();
  await page.context().storageState({ path: AUTH_STATE });
});
