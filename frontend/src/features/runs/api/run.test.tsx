import { QueryClientProvider } from "@tanstack/react-query";
import { act, renderHook, waitFor } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import type { ReactNode } from "react";
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";

import { server } from "@/testing/server";
import { testQueryClient } from "@/testing/test-utils";

import { logChunk, nodeRun, RUN_ID, runDetail, runHandlers } from "../testing";
import { LOG_KEEP_CHARS, LOG_TAIL_BYTES, POLL_INTERVAL_MS, toNodeStatuses, useNodeLog, useRun, useRunNodes, type NodeRun, type RunStatus } from "./run";

function wrapper({ children }: { children: ReactNode }) {
  return <QueryClientProvider client={testQueryClient()}>{children}</QueryClientProvider>;
}

beforeEach(() => {
  vi.useFakeTimers({ shouldAdvanceTime: true });
});
afterEach(() => {
  vi.useRealTimers();
});

describe("the run and its nodes", () => {
  test("are read every second until the run ends, then once more for the nodes, then no more", async () => {
    const statuses: RunStatus[] = ["RUNNING", "RUNNING", "SUCCESS"];
    let runReads = 0;
    let nodeReads = 0;
    let status: RunStatus = "RUNNING";
    server.use(
      ...runHandlers({
        run: () => {
          status = statuses[Math.min(runReads, statuses.length - 1)]!;
          runReads += 1;
          return runDetail({ status });
        },
        nodes: () => {
          nodeReads += 1;
          // The node list lags: it says RUNNING until the run was seen finished.
          return [nodeRun({ id: "a", status: status === "SUCCESS" ? "SUCCESS" : "RUNNING" }), nodeRun({ id: "b", status: "CREATED" })];
        },
        specs: {},
      }),
    );

    const { result } = renderHook(
      () => ({ run: useRun(RUN_ID), nodes: useRunNodes(RUN_ID) }),
      { wrapper },
    );
    await waitFor(() => expect(result.current.run.data?.status).toBe("RUNNING"));
    for (let tick = 0; tick < 3; tick += 1) {
      await act(() => vi.advanceTimersByTimeAsync(POLL_INTERVAL_MS));
    }
    await waitFor(() => expect(result.current.run.data?.status).toBe("SUCCESS"));
    await act(() => vi.advanceTimersByTimeAsync(POLL_INTERVAL_MS));
    await waitFor(() => expect(result.current.nodes.data?.[0]?.status).toBe("SUCCESS"));

    const [runsSeen, nodesSeen] = [runReads, nodeReads];
    expect(runsSeen).toBe(3);
    for (let tick = 0; tick < 5; tick += 1) {
      await act(() => vi.advanceTimersByTimeAsync(POLL_INTERVAL_MS));
    }
    expect(runReads).toBe(runsSeen);
    expect(nodeReads).toBe(nodesSeen);
    // Node b never ran, yet polling stopped: the run had ended.
    expect(result.current.nodes.data?.[1]?.status).toBe("CREATED");
  });

  test("a run that is already over is read once", async () => {
    let reads = 0;
    server.use(
      ...runHandlers({
        run: () => {
          reads += 1;
          return runDetail({ status: "FAILED" });
        },
        nodes: () => [],
        specs: {},
      }),
    );
    const { result } = renderHook(() => useRun(RUN_ID), { wrapper });
    await waitFor(() => expect(result.current.data?.status).toBe("FAILED"));
    await act(() => vi.advanceTimersByTimeAsync(POLL_INTERVAL_MS * 4));
    expect(reads).toBe(1);
  });

  test("a poll that fails on the server's side does not end the polling", async () => {
    const answers = [200, 503, 200];
    let reads = 0;
    server.use(
      http.get(`/api/v1/runs/${RUN_ID}/`, () => {
        const status = answers[Math.min(reads, answers.length - 1)]!;
        reads += 1;
        if (status !== 200) return HttpResponse.json({ detail: "Service unavailable" }, { status });
        return HttpResponse.json(runDetail({ status: reads === 1 ? "RUNNING" : "SUCCESS" }));
      }),
    );
    // Read while rendering, as a page does (the query re-renders for what its renders read).
    const { result } = renderHook(
      () => {
        const run = useRun(RUN_ID);
        return { status: run.data?.status, isError: run.isError };
      },
      { wrapper },
    );
    await waitFor(() => expect(result.current.status).toBe("RUNNING"));
    await act(() => vi.advanceTimersByTimeAsync(POLL_INTERVAL_MS));
    await waitFor(() => expect(result.current.isError).toBe(true));
    // The last good state stays while the server cannot answer.
    expect(result.current.status).toBe("RUNNING");
    await act(() => vi.advanceTimersByTimeAsync(POLL_INTERVAL_MS));
    await waitFor(() => expect(result.current.status).toBe("SUCCESS"));
    expect(result.current.isError).toBe(false);
    await act(() => vi.advanceTimersByTimeAsync(POLL_INTERVAL_MS * 3));
    expect(reads).toBe(3);
  });

  test("a missing run stops the polling and says so", async () => {
    let reads = 0;
    server.use(
      http.get(`/api/v1/runs/${RUN_ID}/`, () => {
        reads += 1;
        return HttpResponse.json({ detail: "No Run matches the given query." }, { status: 404 });
      }),
    );
    const { result } = renderHook(() => useRun(RUN_ID), { wrapper });
    await waitFor(() => expect(result.current.isError).toBe(true));
    expect(result.current.error?.message).toBe("No Run matches the given query.");
    await act(() => vi.advanceTimersByTimeAsync(POLL_INTERVAL_MS * 3));
    expect(reads).toBe(1);
  });

  test("node states for a canvas keep the produced outputs by name", () => {
    const nodes: NodeRun[] = [
      nodeRun({
        id: "a",
        status: "SUCCESS",
        started_at: "2026-11-02T10:00:02Z",
        finished_at: "2026-11-02T10:00:05Z",
        outputs: [
          { name: "out", file_type: "csv", resource_id: "r1" },
          { name: "extra", file_type: "json", resource_id: null },
        ],
      }),
    ];
    expect(toNodeStatuses(nodes)).toEqual({
      a: { status: "SUCCESS", started_at: "2026-11-02T10:00:02Z", finished_at: "2026-11-02T10:00:05Z", outputs: { out: "r1" } },
    });
  });
});

describe("a node's log", () => {
  /** A log growing by `pieces`, one per read, served as the server does (tail, then offsets). */
  function growingLog(pieces: string[], options: { attemptAt?: (read: number) => number } = {}) {
    const requests: string[] = [];
    let written = "";
    let reads = 0;
    const log = (_name: string, url: URL) => {
      requests.push(url.search);
      const attempt = options.attemptAt?.(reads) ?? 1;
      if (reads < pieces.length) written += pieces[reads];
      reads += 1;
      const done = reads >= pieces.length;
      const size = new TextEncoder().encode(written).length;
      const tail = url.searchParams.get("tail");
      const start = tail !== null ? Math.max(0, size - Number(tail)) : Number(url.searchParams.get("offset") ?? 0);
      const text = new TextDecoder().decode(new TextEncoder().encode(written).slice(start));
      return logChunk({ text, start, offset: size, size, complete: done, live: !done, attempt });
    };
    return { log, requests };
  }

  test("follows the text as it is appended, reading only what is new, until the node ends", async () => {
    const { log, requests } = growingLog(["epoch 1\n", "epoch 2\n", "", "epoch 3 <b>done</b>\n"]);
    server.use(...runHandlers({ run: () => runDetail(), nodes: () => [], specs: {}, log }));

    const { result } = renderHook(() => useNodeLog(RUN_ID, "a", "stdout", { intervalMs: 100 }), { wrapper });
    await waitFor(() => expect(result.current.text).toBe("epoch 1\n"));
    expect(result.current.complete).toBe(false);
    await act(() => vi.advanceTimersByTimeAsync(100));
    await waitFor(() => expect(result.current.text).toBe("epoch 1\nepoch 2\n"));
    await act(() => vi.advanceTimersByTimeAsync(300));
    await waitFor(() => expect(result.current.complete).toBe(true));
    expect(result.current.text).toBe("epoch 1\nepoch 2\nepoch 3 <b>done</b>\n");

    expect(requests).toEqual([`?tail=${LOG_TAIL_BYTES}`, "?offset=8", "?offset=16", "?offset=16"]);
    await act(() => vi.advanceTimersByTimeAsync(1000));
    expect(requests).toHaveLength(4);
  });

  test("a retry of the node starts a new log, which replaces the old text", async () => {
    const { log, requests } = growingLog(["first try\n", "", "second try\n"], { attemptAt: (read) => (read < 1 ? 1 : 2) });
    // The second attempt's log holds only its own text: serve it from the start.
    const retried = (name: string, url: URL) => {
      const chunk = log(name, url);
      return chunk.attempt === 2 ? { ...chunk, text: chunk.text.replace("first try\n", "") } : chunk;
    };
    server.use(...runHandlers({ run: () => runDetail(), nodes: () => [], specs: {}, log: retried }));

    const { result } = renderHook(() => useNodeLog(RUN_ID, "a", "stdout", { intervalMs: 100 }), { wrapper });
    await waitFor(() => expect(result.current.text).toBe("first try\n"));
    await act(() => vi.advanceTimersByTimeAsync(300));
    await waitFor(() => expect(result.current.attempt).toBe(2));
    expect(result.current.text).toBe("second try\n");
    // After the attempt changed, the new log is read from its end again.
    expect(requests.slice(0, 3)).toEqual([`?tail=${LOG_TAIL_BYTES}`, "?offset=10", `?tail=${LOG_TAIL_BYTES}`]);
  });

  test("a log followed for long keeps its last part on screen and counts what it dropped", async () => {
    const first = "a".repeat(LOG_KEEP_CHARS - 10);
    let reads = 0;
    server.use(
      ...runHandlers({
        run: () => runDetail(),
        nodes: () => [],
        specs: {},
        log: () => {
          reads += 1;
          return reads === 1
            ? logChunk({ text: first, start: 0, offset: first.length, size: first.length, complete: false, live: true })
            : logChunk({ text: "b".repeat(100), start: first.length, offset: first.length + 100, size: first.length + 100 });
        },
      }),
    );
    const { result } = renderHook(() => useNodeLog(RUN_ID, "a", "stdout", { intervalMs: 100 }), { wrapper });
    await waitFor(() => expect(result.current.text).toHaveLength(first.length));
    await act(() => vi.advanceTimersByTimeAsync(100));
    await waitFor(() => expect(result.current.complete).toBe(true));
    expect(result.current.text).toHaveLength(LOG_KEEP_CHARS);
    expect(result.current.text.endsWith("a".repeat(10) + "b".repeat(100))).toBe(true);
    expect(result.current.omittedBytes).toBe(90);
  });

  test("a hidden page does not read the log it follows until it is seen again", async () => {
    let reads = 0;
    server.use(
      ...runHandlers({
        run: () => runDetail(),
        nodes: () => [],
        specs: {},
        log: () => {
          reads += 1;
          return logChunk({ text: reads === 1 ? "x\n" : "", start: reads === 1 ? 0 : 2, offset: 2, size: 2, complete: false, live: true });
        },
      }),
    );
    const hidden = vi.spyOn(document, "hidden", "get").mockReturnValue(false);
    const { result } = renderHook(() => useNodeLog(RUN_ID, "a", "stdout", { intervalMs: 100 }), { wrapper });
    await waitFor(() => expect(result.current.text).toBe("x\n"));
    hidden.mockReturnValue(true);
    const before = reads;
    await act(() => vi.advanceTimersByTimeAsync(1_000));
    expect(reads).toBeLessThanOrEqual(before + 1);
    const whileHidden = reads;
    await act(() => vi.advanceTimersByTimeAsync(1_000));
    expect(reads).toBe(whileHidden);
    hidden.mockReturnValue(false);
    await act(() => vi.advanceTimersByTimeAsync(300));
    await waitFor(() => expect(reads).toBeGreaterThan(whileHidden));
  });

  test("a long log shows its end and says how much came before", async () => {
    server.use(
      ...runHandlers({
        run: () => runDetail(),
        nodes: () => [],
        specs: {},
        log: () => logChunk({ text: "last line\n", start: 5_000_000, offset: 5_000_010, size: 5_000_010, complete: true }),
      }),
    );
    const { result } = renderHook(() => useNodeLog(RUN_ID, "a", "stderr", { follow: false }), { wrapper });
    await waitFor(() => expect(result.current.text).toBe("last line\n"));
    expect(result.current.omittedBytes).toBe(5_000_000);
  });
});
