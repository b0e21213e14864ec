/** "Demo" wherever a demo-source image appears: it was drawn locally, not by the model. */
export function DemoBadge() {
  return (
    <span
      title="Made by the local demo image source, not by the AI model"
      className="rounded-full bg-amber-100 px-2 py-0.5 text-xs font-semibold text-amber-900 dark:bg-amber-900/60 dark:text-amber-100"
    >
      Demo
    </span>
  );
}
