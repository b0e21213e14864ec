"use client";

import { buttonClass } from "@/components/ui/button";
import { changeCreditsAction, runLedgerCheckAction, setFrozenAction, signOutEverywhereAction } from "../actions";
import { ActionForm } from "./action-form";

const input = "rounded-lg border border-stone-300 px-3 py-2 dark:border-stone-700 dark:bg-stone-900";

function ReasonField({ id }: { id: string }) {
  return (
    <label htmlFor={id} className="flex flex-col gap-1 text-sm">
      Reason (required)
      <input id={id} name="reason" required maxLength={500} className={input} />
    </label>
  );
}

/** Grant or adjust credits. `formKey` (fresh per page render) makes a double submit a no-op. */
export function CreditForm({ userId, formKey }: { userId: string; formKey: string }) {
  return (
    <ActionForm
      label="Change credits"
      action={changeCreditsAction}
      message={(d) => (d.applied ? `Done. The balance is now ${d.balance}.` : `Already applied; balance ${d.balance}.`)}
    >
      <input type="hidden" name="userId" value={userId} />
      <input type="hidden" name="key" value={formKey} />
      <fieldset className="flex gap-4 text-sm">
        <legend className="sr-only">Kind of change</legend>
        <label className="flex items-center gap-1">
          <input type="radio" name="kind" value="grant" defaultChecked /> Grant (adds)
        </label>
        <label className="flex items-center gap-1">
          <input type="radio" name="kind" value="adjust" /> Adjust (adds or takes)
        </label>
      </fieldset>
      <label htmlFor="credits" className="flex flex-col gap-1 text-sm">
        Credits
        <input id="credits" name="credits" type="number" step={1} required className={`${input} w-40`} />
      </label>
      <ReasonField id="credit-reason" />
      <button type="submit" className={buttonClass("primary", "self-start")}>
        Apply credit change
      </button>
    </ActionForm>
  );
}

export function FreezeForm({ userId, frozen }: { userId: string; frozen: boolean }) {
  return (
    <ActionForm
      label={frozen ? "Unfreeze" : "Freeze"}
      action={setFrozenAction}
      message={(d) =>
        d.frozen ? "Frozen: generating and buying are refused." : "Unfrozen: generating and buying are allowed."
      }
    >
      <input type="hidden" name="userId" value={userId} />
      <input type="hidden" name="frozen" value={frozen ? "false" : "true"} />
      <ReasonField id="freeze-reason" />
      <button type="submit" className={buttonClass(frozen ? "secondary" : "danger", "self-start")}>
        {frozen ? "Unfreeze generating and buying" : "Freeze generating and buying"}
      </button>
    </ActionForm>
  );
}

export function SignOutForm({ userId }: { userId: string }) {
  return (
    <ActionForm
      label="Sign out everywhere"
      action={signOutEverywhereAction}
      message={(d) => `Signed out of ${d.sessions} session${d.sessions === 1 ? "" : "s"}.`}
    >
      <input type="hidden" name="userId" value={userId} />
      <ReasonField id="signout-reason" />
      <button type="submit" className={buttonClass("secondary", "self-start")}>
        Sign out everywhere
      </button>
    </ActionForm>
  );
}

export function LedgerCheckForm() {
  return (
    <ActionForm label="Ledger check" action={runLedgerCheckAction} message={(d) => d.lines.join("\n")}>
      <button type="submit" className={buttonClass("primary", "self-start")}>
        Run the ledger check
      </button>
    </ActionForm>
  );
}
