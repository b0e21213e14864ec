"use client";

import { type DragEvent, useCallback, useEffect, useId, useRef, useState } from "react";
import { buttonClass } from "@/components/ui/button";
import { REFERENCE_MAX_BYTES, REFERENCE_MESSAGES, referencesNotSent } from "@/lib/references/limits";
import type { ReferenceView } from "@/lib/references/view";

// The studio's reference images: added by file picker, drag-and-drop or paste, uploaded one at a
// time to POST /api/references (with progress), shown as thumbnails to reorder or remove. The form
// posts the first `limit` of them, in order, as hidden `referenceIds` inputs; the rest are held
// (a model with a smaller limit was picked) and the picker says which will not be sent.

type Held = { reference: ReferenceView; uploadedHere: boolean };
type Pending = { key: string; name: string; progress: number | null };
type Problem = { key: string; name: string; message: string };
type Sent = { ok: true; reference: ReferenceView; created: boolean } | { ok: false; message: string };

const UNREACHABLE = "The upload did not reach the studio. Check your connection and try again.";

/** One file as the request body, reporting upload progress (fetch cannot). */
function sendFile(file: File, onProgress: (fraction: number) => void): Promise<Sent> {
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", "/api/references");
    // The server reads the type from the bytes; this only keeps the body from looking like a form.
    xhr.setRequestHeader("content-type", "application/octet-stream");
    xhr.responseType = "json";
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    };
    xhr.onload = () => {
      const body = xhr.response as { reference?: ReferenceView; error?: { message?: string } } | null;
      if ((xhr.status === 200 || xhr.status === 201) && body?.reference) {
        resolve({ ok: true, reference: body.reference, created: xhr.status === 201 });
      } else {
        resolve({ ok: false, message: body?.error?.message ?? `The upload failed (${xhr.status}). Try again.` });
      }
    };
    xhr.onerror = () => resolve({ ok: false, message: UNREACHABLE });
    xhr.send(file);
  });
}

/** A small button showing only a symbol; its name is said in words. */
function IconButton({
  label,
  symbol,
  disabled,
  onClick,
}: {
  label: string;
  symbol: string;
  disabled?: boolean;
  onClick: () => void;
}) {
  return (
    <button
      type="button"
      aria-label={label}
      disabled={disabled}
      onClick={onClick}
      // Not buttonClass: its padding would not fit three of these under a thumbnail.
      className="inline-flex size-7 shrink-0 items-center justify-center rounded-md text-sm text-stone-700 hover:bg-stone-200/60 disabled:cursor-not-allowed disabled:opacity-30 dark:text-stone-300 dark:hover:bg-stone-800"
    >
      <span aria-hidden="true">{symbol}</span>
    </button>
  );
}

export function ReferencePicker({
  limit,
  modelLabel,
  initial = [],
  name = "referenceIds",
  onChange,
}: {
  /** How many references the chosen model takes. */
  limit: number;
  /** The chosen model's name, for "References 11–12 will not be sent to …". */
  modelLabel: string;
  /** References the page opens with ("Use as reference", reused settings). */
  initial?: ReferenceView[];
  /** The hidden inputs' name. */
  name?: string;
  /** Every held reference's id, in order (also those past the limit). */
  onChange?: (ids: string[]) => void;
}) {
  const [held, setHeld] = useState<Held[]>(() => initial.map((reference) => ({ reference, uploadedHere: false })));
  const [pending, setPending] = useState<Pending[]>([]);
  const [problems, setProblems] = useState<Problem[]>([]);
  const [dragging, setDragging] = useState(false);
  const [announcement, setAnnouncement] = useState("");
  const ids = { input: useId(), hint: useId() };
  const queue = useRef(Promise.resolve());
  const counter = useRef(0);
  // The latest count, for files added while others are still uploading.
  const taken = useRef(held.length);
  taken.current = held.length + pending.length;

  // Kept in a ref: a parent passing a new function each render (and storing the ids in its state)
  // would otherwise be called again on every render it causes.
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;
  useEffect(() => {
    onChangeRef.current?.(held.map((h) => h.reference.id));
  }, [held]);

  const add = useCallback(
    (files: File[]) => {
      const room = Math.max(0, limit - taken.current);
      files.forEach((file, i) => {
        const key = `f${counter.current++}`;
        const label = file.name || "Pasted image";
        if (i >= room) {
          const message = `${modelLabel} takes at most ${limit} reference${limit === 1 ? "" : "s"}. Remove one to add another.`;
          setProblems((p) => [...p, { key, name: label, message }]);
          return;
        }
        if (file.size > REFERENCE_MAX_BYTES) {
          setProblems((p) => [...p, { key, name: label, message: REFERENCE_MESSAGES.tooLarge }]);
          return;
        }
        setPending((p) => [...p, { key, name: label, progress: null }]);
        // One upload at a time, in the order chosen: the references keep that order.
        queue.current = queue.current.then(async () => {
          const sent = await sendFile(file, (progress) =>
            setPending((p) => p.map((u) => (u.key === key ? { ...u, progress } : u))),
          );
          setPending((p) => p.filter((u) => u.key !== key));
          if (!sent.ok) {
            setProblems((p) => [...p, { key, name: label, message: sent.message }]);
            setAnnouncement(`${label} was not added.`);
            return;
          }
          setHeld((h) =>
            // The same image twice is one reference.
            h.some((x) => x.reference.id === sent.reference.id)
              ? h
              : [...h, { reference: sent.reference, uploadedHere: sent.created }],
          );
          setAnnouncement(`${label} added as a reference.`);
        });
      });
    },
    [limit, modelLabel],
  );

  // Paste anywhere on the page: images from the clipboard become references; text pastes as usual.
  useEffect(() => {
    const onPaste = (event: ClipboardEvent) => {
      const images = [...(event.clipboardData?.files ?? [])].filter((f) => f.type.startsWith("image/"));
      if (images.length === 0) return;
      event.preventDefault();
      add(images);
    };
    window.addEventListener("paste", onPaste);
    return () => window.removeEventListener("paste", onPaste);
  }, [add]);

  function move(index: number, delta: -1 | 1) {
    setHeld((h) => {
      const next = [...h];
      const [item] = next.splice(index, 1);
      if (!item) return h;
      next.splice(index + delta, 0, item);
      return next;
    });
    setAnnouncement(`Reference ${index + 1} is now reference ${index + 1 + delta}.`);
  }

  function remove(index: number) {
    const item = held[index];
    if (!item) return;
    setHeld((h) => h.filter((_, i) => i !== index));
    setAnnouncement(`Reference ${index + 1} removed.`);
    // An upload made here and then removed is not kept in the user's storage (the server keeps
    // its files only if a generation was already made from it). Others were the user's before.
    if (item.uploadedHere) {
      void fetch(item.reference.url, { method: "DELETE", keepalive: true }).catch(() => undefined);
    }
  }

  function onDrop(event: DragEvent<HTMLFieldSetElement>) {
    event.preventDefault();
    setDragging(false);
    add([...event.dataTransfer.files]);
  }

  const dropped = referencesNotSent({ limit, held: held.length, modelLabel });
  const full = held.length + pending.length >= limit;

  return (
    <fieldset
      aria-describedby={ids.hint}
      onDragOver={(event) => {
        event.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={onDrop}
      className={`flex flex-col gap-2 rounded-lg border border-dashed p-3 ${dragging ? "border-violet-500 bg-violet-50 dark:bg-violet-950/40" : "border-stone-300 dark:border-stone-700"}`}
    >
      {/* First child of the fieldset, so it names the group; floated to sit in the flex column. */}
      <legend className="float-left flex w-full items-baseline justify-between gap-2">
        <span className="text-sm font-medium">Reference images</span>
        <span className="text-xs tabular-nums text-stone-500 dark:text-stone-400">
          {held.length} of {limit} references
        </span>
      </legend>
      <p id={ids.hint} className="text-xs text-stone-500 dark:text-stone-400">
        Drop images here, paste them, or choose files. PNG, JPEG or WebP, up to 10 MB each.
      </p>

      {held.length > 0 ? (
        <ol aria-label="References" className="grid grid-cols-3 gap-2">
          {held.map(({ reference }, index) => {
            const position = index + 1;
            const notSent = index >= limit;
            return (
              <li key={reference.id} className="flex flex-col gap-1" data-testid="reference">
                <div className="relative aspect-square overflow-hidden rounded-md bg-stone-200 dark:bg-stone-800">
                  {/* biome-ignore lint/performance/noImgElement: served by our own owner-checked route */}
                  <img
                    src={reference.thumbnailUrl}
                    alt={`Reference ${position}`}
                    width={reference.width}
                    height={reference.height}
                    className={`size-full object-cover ${notSent ? "opacity-40" : ""}`}
                  />
                  {notSent ? (
                    <span className="absolute inset-x-0 bottom-0 bg-black/60 px-1 text-center text-[10px] text-white">
                      Not sent
                    </span>
                  ) : null}
                </div>
                <div className="flex justify-between">
                  <IconButton
                    label={`Move reference ${position} left`}
                    disabled={index === 0}
                    onClick={() => move(index, -1)}
                    symbol="←"
                  />
                  <IconButton label={`Remove reference ${position}`} onClick={() => remove(index)} symbol="×" />
                  <IconButton
                    label={`Move reference ${position} right`}
                    disabled={index === held.length - 1}
                    onClick={() => move(index, 1)}
                    symbol="→"
                  />
                </div>
                {notSent ? null : <input type="hidden" name={name} value={reference.id} />}
              </li>
            );
          })}
        </ol>
      ) : null}

      {dropped ? (
        <p role="status" className="text-sm text-amber-700 dark:text-amber-400">
          {dropped}
        </p>
      ) : null}

      {pending.length > 0 ? (
        <ul aria-label="Uploading" className="flex flex-col gap-1">
          {pending.map((u) => (
            <li key={u.key} className="flex items-center gap-2 text-xs">
              <span className="min-w-0 flex-1 truncate">{u.name}</span>
              <progress
                aria-label={`Uploading ${u.name}`}
                max={1}
                value={u.progress ?? undefined}
                className="h-2 w-24 accent-violet-600"
              />
            </li>
          ))}
        </ul>
      ) : null}

      {problems.length > 0 ? (
        <ul aria-label="Upload problems" className="flex flex-col gap-1">
          {problems.map((p) => (
            <li key={p.key} className="flex items-start gap-2 text-sm text-red-600 dark:text-red-400">
              <span role="alert" className="flex-1">
                {p.name}: {p.message}
              </span>
              <IconButton
                label={`Dismiss the message about ${p.name}`}
                onClick={() => setProblems((all) => all.filter((x) => x.key !== p.key))}
                symbol="×"
              />
            </li>
          ))}
        </ul>
      ) : null}

      <div>
        <label
          htmlFor={ids.input}
          aria-disabled={full || undefined}
          className={`${buttonClass("secondary", "cursor-pointer px-3 py-1.5")} ${full ? "pointer-events-none opacity-50" : ""} has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-violet-500`}
        >
          Add reference images
          <input
            id={ids.input}
            type="file"
            accept="image/png,image/jpeg,image/webp"
            multiple
            disabled={full}
            className="sr-only"
            onChange={(event) => {
              add([...(event.target.files ?? [])]);
              event.target.value = "";
            }}
          />
        </label>
      </div>
      <p aria-live="polite" className="sr-only">
        {announcement}
      </p>
    </fieldset>
  );
}
