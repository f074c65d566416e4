import { screen, within } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { describe, expect, test } from "vitest";

import { server } from "@/testing/server";
import { renderApp } from "@/testing/test-utils";

import type { ResourcePreview } from "../api/preview";
import type { NodeOutput } from "../api/run";
import { OutputPreview, PREVIEW_MAX_ROWS } from "./OutputPreview";

function showPreview(preview: ResourcePreview, output: Partial<NodeOutput> = {}) {
  server.use(http.get("/api/v1/resources/r1/preview/", () => HttpResponse.json(preview)));
  const result = renderApp("/", {
    element: <OutputPreview output={{ name: "out", file_type: "csv", resource_id: "r1", ...output }} />,
  });
  return { ...result, section: screen.getByRole("region", { name: "Preview" }) };
}

function cells(table: HTMLElement): string[][] {
  return within(table)
    .getAllByRole("row")
    .map((row) => [...row.querySelectorAll("th, td")].map((cell) => cell.textContent ?? ""));
}

describe("an output's preview", () => {
  test("a CSV table keeps quoted fields whole, and has a download", async () => {
    const { section } = showPreview({
      kind: "table",
      columns: ["name", "comment"],
      rows: [
        ["Smith, J.", 'said "hi"\nthen left'],
        ["Lee", ""],
      ],
      truncated: false,
    });
    const table = await within(section).findByRole("table");
    expect(cells(table)).toEqual([
      ["name", "comment"],
      ["Smith, J.", 'said "hi"\nthen left'],
      ["Lee", ""],
    ]);
    expect(within(section).getByText("2 rows.")).toBeInTheDocument();
    expect(within(section).getByRole("link", { name: "Download" })).toHaveAttribute("href", "/api/v1/resources/r1/download/");
  });

  test("a table is cut to its first rows, and says how many are shown", async () => {
    const rows = Array.from({ length: PREVIEW_MAX_ROWS + 20 }, (_, index) => [String(index)]);
    const { section } = showPreview({ kind: "table", columns: ["n"], rows, truncated: true });
    const table = await within(section).findByRole("table");
    expect(within(table).getAllByRole("row")).toHaveLength(PREVIEW_MAX_ROWS + 1);
    expect(within(section).getByText(/The first 50 rows are shown/)).toBeInTheDocument();
  });

  test("TSV the server sent as text is read here, quotes and all", async () => {
    const { section } = showPreview({ kind: "text", text: 'a\tb\n"x\ty"\t2\n', truncated: false }, { file_type: "tsv" });
    const table = await within(section).findByRole("table");
    expect(cells(table)).toEqual([
      ["a", "b"],
      ["x\ty", "2"],
    ]);
  });

  test("JSON is shown pretty-printed, as the server formatted it", async () => {
    const text = JSON.stringify({ loss: 0.12, labels: ["a", "b"] }, null, 2);
    const { section } = showPreview({ kind: "json", text, truncated: false }, { file_type: "json" });
    const pre = await within(section).findByText(/"loss": 0.12/);
    expect(pre.tagName).toBe("PRE");
    expect(pre.textContent).toBe(text);
  });

  test("an image is its thumbnail, linking to the whole file", async () => {
    const { section } = showPreview(
      { kind: "image", thumbnail_url: "http://127.0.0.1:8000/api/v1/resources/r1/thumbnail/" },
      { name: "plot", file_type: "png" },
    );
    const image = await within(section).findByRole("img", { name: "plot (thumbnail)" });
    expect(image).toHaveAttribute("src", "/api/v1/resources/r1/thumbnail/");
    expect(image.closest("a")).toHaveAttribute("href", "/api/v1/resources/r1/download/");
  });

  test("text that looks like HTML is shown as text, never as markup", async () => {
    const html = '<img src=x onerror="alert(1)"><script>alert(2)</script><b>bold</b>';
    const { section } = showPreview({ kind: "text", text: html, truncated: true }, { file_type: "file" });
    const pre = await within(section).findByText(html);
    expect(pre.tagName).toBe("PRE");
    expect(section.querySelector("script, b, img")).toBeNull();
    expect(within(section).getByText(/The preview shows only the beginning/)).toBeInTheDocument();
  });

  test("table cells with HTML stay text", async () => {
    const { section } = showPreview({ kind: "table", columns: ["<i>x</i>"], rows: [["<script>1</script>"]], truncated: false });
    const table = await within(section).findByRole("table");
    expect(within(table).getByText("<script>1</script>")).toBeInTheDocument();
    expect(table.querySelector("script, i")).toBeNull();
  });

  test("a raw value, a directory and binary data", async () => {
    const value = showPreview({ kind: "value", value: 42, truncated: false }, { file_type: "int" });
    expect(await within(value.section).findByText("42")).toBeInTheDocument();
    value.unmount();

    const directory = showPreview(
      { kind: "directory", entries: [{ name: "a/b.txt", size: 2048, is_dir: false }], count: 1, truncated: false },
      { file_type: "directory" },
    );
    expect(await within(directory.section).findByText("a/b.txt")).toBeInTheDocument();
    expect(within(directory.section).getByText("2.0 KB")).toBeInTheDocument();
    directory.unmount();

    const binary = showPreview({ kind: "binary" }, { file_type: "file" });
    expect(await within(binary.section).findByText(/Binary data has no preview/)).toBeInTheDocument();
  });

  test("an output not produced has no download", () => {
    renderApp("/", { element: <OutputPreview output={{ name: "out", file_type: "csv", resource_id: null }} finished /> });
    const section = screen.getByRole("region", { name: "Preview" });
    expect(within(section).getByText("The node did not produce this output.")).toBeInTheDocument();
    expect(within(section).queryByRole("link", { name: "Download" })).toBeNull();
  });

  test("a preview the server refuses says why", async () => {
    server.use(http.get("/api/v1/resources/r1/preview/", () => HttpResponse.json({ detail: "Not found." }, { status: 404 })));
    renderApp("/", { element: <OutputPreview output={{ name: "out", file_type: "csv", resource_id: "r1" }} /> });
    expect(await screen.findByRole("alert")).toHaveTextContent("Not found. (404)");
  });
});
