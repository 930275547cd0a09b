/* mar-verify.c — the verification engine: the five rights and the safety checks
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every rule cites ../shared/RULES.md; docs/verification.md gives each
 * code's rule, severity, source and the decisions taken where the rules
 * leave room. The engine evaluates every rule the facts allow, whatever
 * else failed: a nurse must see all that is wrong at once, and a warning
 * must never hide a block.
 */

#define G_LOG_DOMAIN "mar-verify"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "mar-verify.h"
#include "mar-quantity.h"
#include "mar-schedule.h"
#include "mar-time.h"

#define MINUTE 60
#define HOUR   3600
#define DAY    86400

#define MAX_INGREDIENTS 32

/* The codes of RULES.md, spelled once. */
#define BARCODE_INVALID          "BARCODE_INVALID"
#define WRONG_BARCODE_KIND       "WRONG_BARCODE_KIND"
#define PATIENT_UNKNOWN          "PATIENT_UNKNOWN"
#define PATIENT_MISMATCH         "PATIENT_MISMATCH"
#define PRODUCT_UNKNOWN          "PRODUCT_UNKNOWN"
#define PRODUCT_EXPIRED          "PRODUCT_EXPIRED"
#define NO_ACTIVE_ORDER          "NO_ACTIVE_ORDER"
#define ORDER_UNMAPPED           "ORDER_UNMAPPED"
#define ORDER_ON_HOLD            "ORDER_ON_HOLD"
#define ORDER_DISCONTINUED       "ORDER_DISCONTINUED"
#define ORDER_EXPIRED            "ORDER_EXPIRED"
#define ORDER_NOT_STARTED        "ORDER_NOT_STARTED"
#define ORDER_INCOMPLETE         "ORDER_INCOMPLETE"
#define DOSE_MISMATCH            "DOSE_MISMATCH"
#define DOSE_PARTIAL             "DOSE_PARTIAL"
#define ROUTE_MISMATCH           "ROUTE_MISMATCH"
#define RATE_MISMATCH            "RATE_MISMATCH"
#define RATE_ABOVE_SOFT_LIMIT    "RATE_ABOVE_SOFT_LIMIT"
#define RATE_BELOW_SOFT_LIMIT    "RATE_BELOW_SOFT_LIMIT"
#define RATE_ABOVE_HARD_LIMIT    "RATE_ABOVE_HARD_LIMIT"
#define WEIGHT_MISSING           "WEIGHT_MISSING"
#define TIME_EARLY               "TIME_EARLY"
#define TIME_LATE                "TIME_LATE"
#define DOSE_ALREADY_GIVEN       "DOSE_ALREADY_GIVEN"
#define PRN_TOO_SOON             "PRN_TOO_SOON"
#define PRN_MAX_EXCEEDED         "PRN_MAX_EXCEEDED"
#define BAG_STILL_INFUSING       "BAG_STILL_INFUSING"
#define ALLERGY                  "ALLERGY"
#define ALLERGY_UNVERIFIED       "ALLERGY_UNVERIFIED"
#define ALLERGIES_NOT_ASSESSED   "ALLERGIES_NOT_ASSESSED"
#define BAG_ALREADY_USED         "BAG_ALREADY_USED"
#define WITNESS_REQUIRED         "WITNESS_REQUIRED"
#define CACHE_STALE              "CACHE_STALE"
#define CLOCK_SKEW               "CLOCK_SKEW"
#define PATIENT_DATA_INCOMPLETE  "PATIENT_DATA_INCOMPLETE"
#define DATA_REJECTED            "DATA_REJECTED"

struct _MarFinding
{
  MarSeverity  severity;
  MarRight     right;
  const char  *code;     /* one of the constants above */
  char        *message;
  guint        sequence; /* evaluation order, for a stable sort */
};

struct _MarVerdict
{
  gatomicrefcount    ref_count;
  MarVerdictKind     kind;
  GPtrArray         *findings;
  MarRequirement     requirements;
  char              *order_id;
  gint64             due_time;
  int                minutes_from_due;
  int                window_minutes;
  MarVerdictOutcome  outcome;
  char              *open_administration_id;
  char              *product_id;
  char              *dispense_id;
  char              *bag_id;
  gboolean           prn;
  gboolean           partial;
  gboolean           has_container_dose;
  MarQuantity        container_dose;
  gboolean           has_remaining_dose;
  MarQuantity        remaining_dose;
  gboolean           has_ordered_rate;
  double             rate_low;
  double             rate_high;
  char              *library_version;
};

/* Verdicts -------------------------------------------------------------- */

static void
finding_free (MarFinding *finding)
{
  g_free (finding->message);
  g_free (finding);
}

static MarVerdict *
verdict_new (const MarDrugLibrary *library)
{
  MarVerdict *verdict = g_new0 (MarVerdict, 1);

  g_atomic_ref_count_init (&verdict->ref_count);
  verdict->findings = g_ptr_array_new_with_free_func ((GDestroyNotify) finding_free);
  verdict->due_time = MAR_TIME_UNSET;
  if (library != NULL)
    verdict->library_version = g_strdup (mar_drug_library_get_version (library));
  return verdict;
}

MarVerdict *
mar_verdict_ref (MarVerdict *verdict)
{
  g_return_val_if_fail (verdict != NULL, NULL);

  g_atomic_ref_count_inc (&verdict->ref_count);
  return verdict;
}

void
mar_verdict_unref (MarVerdict *verdict)
{
  g_return_if_fail (verdict != NULL);

  if (!g_atomic_ref_count_dec (&verdict->ref_count))
    return;
  g_ptr_array_unref (verdict->findings);
  g_free (verdict->order_id);
  g_free (verdict->open_administration_id);
  g_free (verdict->product_id);
  g_free (verdict->dispense_id);
  g_free (verdict->bag_id);
  g_free (verdict->library_version);
  g_free (verdict);
}

/* @message: (transfer full) */
static void
add_finding (MarVerdict *verdict,
             MarSeverity severity,
             MarRight    right,
             const char *code,
             char       *message)
{
  MarFinding *finding = g_new0 (MarFinding, 1);

  finding->severity = severity;
  finding->right = right;
  finding->code = code;
  finding->message = message;
  finding->sequence = verdict->findings->len;
  g_ptr_array_add (verdict->findings, finding);
}

static int
compare_findings (gconstpointer a,
                  gconstpointer b)
{
  const MarFinding *x = *(const MarFinding * const *) a;
  const MarFinding *y = *(const MarFinding * const *) b;

  if (x->severity != y->severity)
    return x->severity > y->severity ? -1 : 1;
  return x->sequence < y->sequence ? -1 : x->sequence > y->sequence;
}

/* RULES.md: the verdict is the worst finding; a warn never hides a block. */
static MarVerdict *
verdict_finish (MarVerdict *verdict)
{
  verdict->kind = MAR_VERDICT_PASS;
  g_ptr_array_sort (verdict->findings, compare_findings);
  for (guint i = 0; i < verdict->findings->len; i++)
    {
      const MarFinding *finding = g_ptr_array_index (verdict->findings, i);

      if (finding->severity == MAR_SEVERITY_BLOCK)
        verdict->kind = MAR_VERDICT_BLOCK;
      else if (finding->severity == MAR_SEVERITY_WARN)
        {
          if (verdict->kind == MAR_VERDICT_PASS)
            verdict->kind = MAR_VERDICT_WARN;
          /* A warning goes on only with a reason (RULES.md, severities). */
          verdict->requirements |= MAR_REQUIRES_REASON;
        }
    }
  return verdict;
}

MarVerdictKind
mar_verdict_get_kind (const MarVerdict *verdict)
{
  g_return_val_if_fail (verdict != NULL, MAR_VERDICT_BLOCK);
  return verdict->kind;
}

GPtrArray *
mar_verdict_get_findings (const MarVerdict *verdict)
{
  g_return_val_if_fail (verdict != NULL, NULL);
  return verdict->findings;
}

gboolean
mar_verdict_has_finding (const MarVerdict *verdict,
                         const char       *code)
{
  g_return_val_if_fail (verdict != NULL, FALSE);
  g_return_val_if_fail (code != NULL, FALSE);

  for (guint i = 0; i < verdict->findings->len; i++)
    if (g_str_equal (((MarFinding *) g_ptr_array_index (verdict->findings, i))->code, code))
      return TRUE;
  return FALSE;
}

MarRequirement
mar_verdict_get_requirements (const MarVerdict *verdict)
{
  g_return_val_if_fail (verdict != NULL, MAR_REQUIRES_NONE);
  return verdict->requirements;
}

const char *
mar_verdict_get_order_id (const MarVerdict *verdict)
{
  g_return_val_if_fail (verdict != NULL, NULL);
  return verdict->order_id;
}

gint64
mar_verdict_get_due_time (const MarVerdict *verdict)
{
  g_return_val_if_fail (verdict != NULL, MAR_TIME_UNSET);
  return verdict->due_time;
}

int
mar_verdict_get_minutes_from_due (const MarVerdict *verdict)
{
  g_return_val_if_fail (verdict != NULL, 0);
  return verdict->minutes_from_due;
}

int
mar_verdict_get_window_minutes (const MarVerdict *verdict)
{
  g_return_val_if_fail (verdict != NULL, 0);
  return verdict->window_minutes;
}

MarVerdictOutcome
mar_verdict_get_outcome (const MarVerdict *verdict)
{
  g_return_val_if_fail (verdict != NULL, MAR_VERDICT_OUTCOME_NEW_ADMINISTRATION);
  return verdict->outcome;
}

const char *
mar_verdict_get_open_administration_id (const MarVerdict *verdict)
{
  g_return_val_if_fail (verdict != NULL, NULL);
  return verdict->open_administration_id;
}

const char *
mar_verdict_get_product_id (const MarVerdict *verdict)
{
  g_return_val_if_fail (verdict != NULL, NULL);
  return verdict->product_id;
}

const char *
mar_verdict_get_dispense_id (const MarVerdict *verdict)
{
  g_return_val_if_fail (verdict != NULL, NULL);
  return verdict->dispense_id;
}

const char *
mar_verdict_get_bag_id (const MarVerdict *verdict)
{
  g_return_val_if_fail (verdict != NULL, NULL);
  return verdict->bag_id;
}

gboolean
mar_verdict_is_prn (const MarVerdict *verdict)
{
  g_return_val_if_fail (verdict != NULL, FALSE);
  return verdict->prn;
}

gboolean
mar_verdict_is_partial (const MarVerdict *verdict)
{
  g_return_val_if_fail (verdict != NULL, FALSE);
  return verdict->partial;
}

gboolean
mar_verdict_get_container_dose (const MarVerdict *verdict,
                                MarQuantity      *dose)
{
  g_return_val_if_fail (verdict != NULL, FALSE);
  g_return_val_if_fail (dose != NULL, FALSE);

  if (!verdict->has_container_dose)
    return FALSE;
  *dose = verdict->container_dose;
  return TRUE;
}

gboolean
mar_verdict_get_remaining_dose (const MarVerdict *verdict,
                                MarQuantity      *dose)
{
  g_return_val_if_fail (verdict != NULL, FALSE);
  g_return_val_if_fail (dose != NULL, FALSE);

  if (!verdict->has_remaining_dose)
    return FALSE;
  *dose = verdict->remaining_dose;
  return TRUE;
}

gboolean
mar_verdict_get_ordered_rate (const MarVerdict *verdict,
                              double           *low_ml_per_h,
                              double           *high_ml_per_h)
{
  g_return_val_if_fail (verdict != NULL, FALSE);

  if (!verdict->has_ordered_rate)
    return FALSE;
  if (low_ml_per_h != NULL)
    *low_ml_per_h = verdict->rate_low;
  if (high_ml_per_h != NULL)
    *high_ml_per_h = verdict->rate_high;
  return TRUE;
}

const char *
mar_verdict_get_drug_library_version (const MarVerdict *verdict)
{
  g_return_val_if_fail (verdict != NULL, NULL);
  return verdict->library_version;
}

MarSeverity
mar_finding_get_severity (const MarFinding *finding)
{
  g_return_val_if_fail (finding != NULL, MAR_SEVERITY_BLOCK);
  return finding->severity;
}

MarRight
mar_finding_get_right (const MarFinding *finding)
{
  g_return_val_if_fail (finding != NULL, MAR_RIGHT_OTHER);
  return finding->right;
}

const char *
mar_finding_get_code (const MarFinding *finding)
{
  g_return_val_if_fail (finding != NULL, NULL);
  return finding->code;
}

const char *
mar_finding_get_message (const MarFinding *finding)
{
  g_return_val_if_fail (finding != NULL, NULL);
  return finding->message;
}

/* These strings are part of `marctl verify --json`: never translated. */
const char *
mar_verdict_kind_to_string (MarVerdictKind kind)
{
  switch (kind)
    {
    case MAR_VERDICT_PASS:
      return "pass";
    case MAR_VERDICT_WARN:
      return "warn";
    case MAR_VERDICT_BLOCK:
    default:
      return "block";
    }
}

const char *
mar_severity_to_string (MarSeverity severity)
{
  switch (severity)
    {
    case MAR_SEVERITY_INFO:
      return "info";
    case MAR_SEVERITY_WARN:
      return "warn";
    case MAR_SEVERITY_BLOCK:
    default:
      return "block";
    }
}

const char *
mar_right_to_string (MarRight right)
{
  switch (right)
    {
    case MAR_RIGHT_PATIENT:
      return "patient";
    case MAR_RIGHT_DRUG:
      return "drug";
    case MAR_RIGHT_DOSE:
      return "dose";
    case MAR_RIGHT_ROUTE:
      return "route";
    case MAR_RIGHT_TIME:
      return "time";
    case MAR_RIGHT_OTHER:
    default:
      return "other";
    }
}

char *
mar_verify_dup_bag_id (const MarScanFact *product_scan,
                       const MarDispense *dispense)
{
  if (dispense != NULL)
    {
      if (dispense->label != NULL && *dispense->label != '\0')
        return g_strdup (dispense->label);
      return g_strdup (dispense->id);
    }
  if (product_scan != NULL &&
      product_scan->gtin != NULL && *product_scan->gtin != '\0' &&
      product_scan->serial != NULL && *product_scan->serial != '\0')
    return g_strdup_printf ("01%s21%s", product_scan->gtin, product_scan->serial);
  return NULL;
}

/* Words for people ------------------------------------------------------- */

static char *
capitalize (const char *text)
{
  gunichar first;
  char buf[8];
  int len;

  if (text == NULL || *text == '\0')
    return g_strdup (text);
  first = g_utf8_get_char (text);
  len = g_unichar_to_utf8 (g_unichar_totitle (first), buf);
  buf[len] = '\0';
  return g_strconcat (buf, g_utf8_next_char (text), NULL);
}

/* "08:00" on the day of @now, "2026-03-08 08:00" on another day. */
static char *
format_clock (GTimeZone *tz,
              gint64     t,
              gint64     now)
{
  int y, mo, d, h, mi, ny, nmo, nd;

  mar_time_to_local (tz, t, &y, &mo, &d, &h, &mi, NULL);
  mar_time_to_local (tz, now, &ny, &nmo, &nd, NULL, NULL, NULL);
  if (y == ny && mo == nmo && d == nd)
    return g_strdup_printf ("%02d:%02d", h, mi);
  return g_strdup_printf ("%04d-%02d-%02d %02d:%02d", y, mo, d, h, mi);
}

/* Whole minutes rounded up, so that anything outside a window reads as
 * more than the window: "31 min", "2 h 5 min". */
static int
minutes_up (gint64 seconds)
{
  return (int) ((seconds + MINUTE - 1) / MINUTE);
}

static char *
format_duration (gint64 seconds)
{
  int minutes = minutes_up (ABS (seconds));

  if (minutes < 60)
    return g_strdup_printf (_("%d min"), minutes);
  if (minutes % 60 == 0)
    return g_strdup_printf (_("%d h"), minutes / 60);
  return g_strdup_printf (_("%d h %d min"), minutes / 60, minutes % 60);
}

/* Ingredients ---------------------------------------------------------- */

typedef struct
{
  const char     *system;
  const char     *code;
  const char     *display;
  const MarRatio *strength;  /* NULL when the strength is not known */
  gboolean        diluent;
} Ingredient;

typedef struct
{
  Ingredient  items[MAX_INGREDIENTS];
  guint       n;
  gboolean    unmapped;      /* something in it cannot be mapped to ingredients */
} IngredientSet;

static gboolean
same_code (const char *system_a,
           const char *code_a,
           const char *system_b,
           const char *code_b)
{
  return code_a != NULL && code_b != NULL &&
         g_strcmp0 (system_a, system_b) == 0 &&
         strcmp (code_a, code_b) == 0;
}

static const Ingredient *
set_find (const IngredientSet *set,
          const char          *system,
          const char          *code)
{
  for (guint i = 0; i < set->n; i++)
    if (same_code (set->items[i].system, set->items[i].code, system, code))
      return &set->items[i];
  return NULL;
}

static void
set_add (IngredientSet        *set,
         const MarDrugLibrary *library,
         const char           *system,
         const char           *code,
         const char           *display,
         const MarRatio       *strength)
{
  Ingredient *existing = (Ingredient *) set_find (set, system, code);

  if (existing != NULL)
    {
      if (existing->strength == NULL)
        existing->strength = strength;
      if (existing->display == NULL)
        existing->display = display;
      return;
    }
  if (set->n == MAX_INGREDIENTS)
    {
      set->unmapped = TRUE;
      return;
    }
  set->items[set->n++] = (Ingredient) {
    .system = system,
    .code = code,
    .display = display,
    .strength = strength,
    .diluent = mar_drug_library_is_diluent (library, system, code),
  };
}

static gboolean
strength_set (const MarRatio *strength)
{
  return strength != NULL && strength->numerator.set;
}

/* A coding as ingredients: through the library's code map (products,
 * clinical drugs, multi-ingredient codes), else an RxNorm code is an
 * ingredient code (FHIR-PROFILE.md). FALSE: not mappable. */
static gboolean
set_add_coding (IngredientSet        *set,
                const MarDrugLibrary *library,
                const char           *system,
                const char           *code,
                const char           *display,
                const MarRatio       *strength)
{
  GPtrArray *mapped = mar_drug_library_lookup_code (library, system, code);

  if (mapped != NULL)
    {
      for (guint i = 0; i < mapped->len; i++)
        {
          const MarCoding *c = g_ptr_array_index (mapped, i);
          /* A component's strength is the product's only when it maps to
           * exactly one ingredient. */
          set_add (set, library, c->system, c->code, c->display,
                   mapped->len == 1 && strength_set (strength) ? strength : NULL);
        }
      return TRUE;
    }
  if (g_strcmp0 (system, MAR_SYSTEM_RXNORM) == 0 && code != NULL && *code != '\0')
    {
      set_add (set, library, system, code, display, strength_set (strength) ? strength : NULL);
      return TRUE;
    }
  return FALSE;
}

static void
set_from_ingredients (IngredientSet        *set,
                      const MarDrugLibrary *library,
                      GPtrArray            *ingredients)
{
  for (guint i = 0; i < ingredients->len; i++)
    {
      const MarIngredient *ing = g_ptr_array_index (ingredients, i);

      if (!set_add_coding (set, library, ing->system, ing->code, ing->display, &ing->strength))
        set->unmapped = TRUE;
    }
}

/* Codes of a whole product or order: the first that the code map knows,
 * else the first RxNorm code. */
static gboolean
set_from_codings (IngredientSet        *set,
                  const MarDrugLibrary *library,
                  GPtrArray            *codings)
{
  if (codings == NULL)
    return FALSE;
  for (guint i = 0; i < codings->len; i++)
    {
      const MarCoding *c = g_ptr_array_index (codings, i);

      if (mar_drug_library_lookup_code (library, c->system, c->code) != NULL)
        return set_add_coding (set, library, c->system, c->code, c->display, NULL);
    }
  for (guint i = 0; i < codings->len; i++)
    {
      const MarCoding *c = g_ptr_array_index (codings, i);

      if (g_strcmp0 (c->system, MAR_SYSTEM_RXNORM) == 0)
        return set_add_coding (set, library, c->system, c->code, c->display, NULL);
    }
  return FALSE;
}

static void
product_ingredients (const MarProduct     *product,
                     const MarDrugLibrary *library,
                     IngredientSet        *set)
{
  memset (set, 0, sizeof *set);
  if (product->ingredients != NULL && product->ingredients->len > 0)
    {
      set_from_ingredients (set, library, product->ingredients);
      return;
    }
  if (set_from_codings (set, library, product->codes))
    return;
  if ((product->gtin != NULL && set_add_coding (set, library, MAR_SYSTEM_GTIN, product->gtin, product->name, NULL)) ||
      (product->ndc != NULL && set_add_coding (set, library, MAR_SYSTEM_NDC, product->ndc, product->name, NULL)))
    return;
  set->unmapped = TRUE;
}

static const MarProduct *
find_order_product (const MarVerifyFacts *facts,
                    const MarOrder       *order)
{
  if (order->medication_product_id == NULL || facts->order_products == NULL)
    return NULL;
  for (guint i = 0; i < facts->order_products->len; i++)
    {
      const MarProduct *p = g_ptr_array_index (facts->order_products, i);

      if (g_strcmp0 (p->id, order->medication_product_id) == 0)
        return p;
    }
  return NULL;
}

/* RULES.md, Orders: an order coded at product or clinical-drug level is
 * resolved through the Medication it references (MarOrder.ingredients, or
 * the referenced product) or the drug library's code → ingredients map. */
static void
order_ingredients (const MarOrder       *order,
                   const MarVerifyFacts *facts,
                   IngredientSet        *set)
{
  const MarProduct *referenced;

  memset (set, 0, sizeof *set);
  if (order->ingredients != NULL && order->ingredients->len > 0)
    {
      set_from_ingredients (set, facts->library, order->ingredients);
      return;
    }
  referenced = find_order_product (facts, order);
  if (referenced != NULL && referenced->ingredients->len > 0)
    {
      set_from_ingredients (set, facts->library, referenced->ingredients);
      return;
    }
  if (set_from_codings (set, facts->library, order->medication_codes))
    return;
  if (referenced != NULL)
    {
      product_ingredients (referenced, facts->library, set);
      return;
    }
  set->unmapped = TRUE;
}

static guint
count_active (const IngredientSet *set)
{
  guint n = 0;

  for (guint i = 0; i < set->n; i++)
    if (!set->items[i].diluent)
      n++;
  return n;
}

/* Every ingredient of @a (of the kind asked) is in @b. */
static gboolean
subset_of (const IngredientSet *a,
           const IngredientSet *b,
           gboolean             diluents)
{
  for (guint i = 0; i < a->n; i++)
    if (a->items[i].diluent == diluents &&
        set_find (b, a->items[i].system, a->items[i].code) == NULL)
      return FALSE;
  return TRUE;
}

static gboolean
same_kind_sets (const IngredientSet *a,
                const IngredientSet *b,
                gboolean             diluents)
{
  return subset_of (a, b, diluents) && subset_of (b, a, diluents);
}

/* RULES.md, Orders: sets, not overlap. The drugs (non-diluents) must be
 * the same; a premix "vancomycin in NaCl" matches a "vancomycin" order;
 * when the order names its diluent, a product with another diluent is not
 * it; a plain diluent bag matches only an order for exactly that fluid. */
static gboolean
sets_match (const IngredientSet *product,
            const IngredientSet *order)
{
  guint order_active = count_active (order);
  guint product_active = count_active (product);

  if (product->unmapped || order->unmapped || order->n == 0 || product->n == 0)
    return FALSE;
  if (order_active == 0)
    return product_active == 0 && same_kind_sets (product, order, TRUE);
  if (!same_kind_sets (product, order, FALSE))
    return FALSE;
  if (order->n == order_active || product->n == product_active)
    return TRUE;
  return same_kind_sets (product, order, TRUE);
}

static char *
ingredient_names (const IngredientSet *set,
                  gboolean             actives_only)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < set->n; i++)
    {
      if (actives_only && set->items[i].diluent)
        continue;
      if (set->items[i].display == NULL)
        continue;
      if (s->len > 0)
        g_string_append_c (s, '-');
      g_string_append (s, set->items[i].display);
    }
  if (s->len == 0)
    {
      g_string_free (s, TRUE);
      return NULL;
    }
  return g_string_free (s, FALSE);
}

/* "Vancomycin", "Piperacillin-tazobactam", "0.9% Sodium chloride 1000 mL". */
static char *
drug_name (const MarProduct    *product,
           const IngredientSet *set)
{
  g_autofree char *names = NULL;

  if (set != NULL && set->n > 0 && !set->unmapped)
    {
      names = ingredient_names (set, count_active (set) > 0);
      if (names != NULL)
        return capitalize (names);
    }
  if (product != NULL && product->name != NULL)
    return g_strdup (product->name);
  return g_strdup (_("This product"));
}

static char *
order_name (const MarOrder      *order,
            const IngredientSet *set)
{
  if (order->medication_display != NULL)
    return capitalize (order->medication_display);
  if (set != NULL && set->n > 0)
    {
      g_autofree char *names = ingredient_names (set, count_active (set) > 0);

      if (names != NULL)
        return capitalize (names);
    }
  if (order->text != NULL)
    return g_strdup (order->text);
  return g_strdup_printf (_("Order %s"), order->id);
}

/* Amounts --------------------------------------------------------------- */

/* Concentration of an ingredient in base units per mL. */
static gboolean
ingredient_concentration (const Ingredient *ingredient,
                          MarUnit          *numerator_unit,
                          double           *per_ml)
{
  MarUnit num, den;
  double num_base, den_ml;

  if (!strength_set (ingredient->strength) || !ingredient->strength->denominator.set ||
      !mar_quantity_to_base (&ingredient->strength->numerator, &num, &num_base) ||
      !mar_quantity_to_base (&ingredient->strength->denominator, &den, &den_ml) ||
      den.dimension != MAR_DIMENSION_VOLUME || den_ml <= 0 ||
      num.per_time != 0 || num.per_kg || num.per_volume != 0)
    return FALSE;
  *numerator_unit = num;
  *per_ml = num_base / den_ml;
  return TRUE;
}

/* The container's volume in mL: Medication.amount (250 mL / 1), else the
 * dispensed bag's quantity. */
static gboolean
container_volume (const MarProduct  *product,
                  const MarDispense *dispense,
                  double            *ml)
{
  MarUnit unit;
  double base;

  if (product != NULL &&
      mar_quantity_to_base (&product->amount.numerator, &unit, &base) &&
      unit.dimension == MAR_DIMENSION_VOLUME && unit.per_time == 0 && unit.per_kg == FALSE &&
      (!product->amount.denominator.set || product->amount.denominator.value == 1))
    {
      *ml = base;
      return TRUE;
    }
  if (dispense != NULL &&
      mar_quantity_to_base (&dispense->quantity, &unit, &base) &&
      unit.dimension == MAR_DIMENSION_VOLUME && unit.per_time == 0 && !unit.per_kg)
    {
      *ml = base;
      return TRUE;
    }
  return FALSE;
}

/* How much of @ingredient the container holds, in base units: strength ×
 * volume, or a strength per container (500 mg / 1 vial), or the amount of
 * a one-ingredient product given in mass. */
static gboolean
ingredient_content (const Ingredient *ingredient,
                    const MarProduct *product,
                    guint             n_ingredients,
                    gboolean          have_volume,
                    double            volume_ml,
                    MarUnit          *unit,
                    double           *base)
{
  MarUnit num, den;
  double num_base, den_base;

  if (strength_set (ingredient->strength) &&
      mar_quantity_to_base (&ingredient->strength->numerator, &num, &num_base) &&
      num.per_time == 0 && num.per_volume == 0 && !num.per_kg)
    {
      if (!ingredient->strength->denominator.set)
        {
          *unit = num;
          *base = num_base;
          return TRUE;
        }
      if (!mar_quantity_to_base (&ingredient->strength->denominator, &den, &den_base) || den_base <= 0)
        return FALSE;
      if (den.dimension == MAR_DIMENSION_VOLUME)
        {
          if (!have_volume)
            return FALSE;
          *unit = num;
          *base = num_base * volume_ml / den_base;
          return TRUE;
        }
      if (den.dimension == MAR_DIMENSION_COUNT)
        {
          *unit = num;
          *base = num_base / den_base;
          return TRUE;
        }
      return FALSE;
    }

  if (n_ingredients == 1 && product != NULL &&
      mar_quantity_to_base (&product->amount.numerator, &num, &num_base) &&
      num.per_time == 0 && num.per_volume == 0 && !num.per_kg &&
      num.dimension != MAR_DIMENSION_VOLUME && num.dimension != MAR_DIMENSION_COUNT)
    {
      *unit = num;
      *base = num_base;
      return TRUE;
    }
  return FALSE;
}

/* The latest weight in kg, if it is recent enough (drug library). */
typedef enum
{
  WEIGHT_OK,
  WEIGHT_NONE,
  WEIGHT_OLD,
} WeightState;

static WeightState
patient_weight (const MarPatient     *patient,
                const MarDrugLibrary *library,
                gint64                now,
                double               *kg)
{
  MarUnit unit;
  double grams;

  if (patient == NULL || !patient->weight.set ||
      !mar_quantity_to_base (&patient->weight, &unit, &grams) ||
      unit.dimension != MAR_DIMENSION_MASS || unit.per_kg || unit.per_time != 0 || grams <= 0)
    return WEIGHT_NONE;
  if (patient->weight_time == MAR_TIME_UNSET ||
      now - patient->weight_time > mar_drug_library_get_weight_max_age (library))
    return WEIGHT_OLD;
  *kg = grams / 1000.0;
  return WEIGHT_OK;
}

static void
add_weight_missing (MarVerdict           *verdict,
                    WeightState           state,
                    const MarPatient     *patient,
                    const MarDrugLibrary *library,
                    gint64                now)
{
  int days = (int) (mar_drug_library_get_weight_max_age (library) / DAY);

  if (mar_verdict_has_finding (verdict, WEIGHT_MISSING))
    return;
  if (state == WEIGHT_OLD && patient->weight_time != MAR_TIME_UNSET)
    add_finding (verdict, MAR_SEVERITY_BLOCK, MAR_RIGHT_DOSE, WEIGHT_MISSING,
                 g_strdup_printf (_("This order is dosed by weight and the latest weight is %d days old "
                                    "(at most %d days): weigh the patient"),
                                  (int) ((now - patient->weight_time) / DAY), days));
  else
    add_finding (verdict, MAR_SEVERITY_BLOCK, MAR_RIGHT_DOSE, WEIGHT_MISSING,
                 g_strdup_printf (_("This order is dosed by weight and there is no weight from the last "
                                    "%d days: weigh the patient"), days));
}

static gint64
period_seconds (double      value,
                const char *unit)
{
  double seconds;

  if (g_str_equal (unit, "s"))
    seconds = 1;
  else if (g_str_equal (unit, "min"))
    seconds = MINUTE;
  else if (g_str_equal (unit, "h"))
    seconds = HOUR;
  else if (g_str_equal (unit, "d"))
    seconds = DAY;
  else if (g_str_equal (unit, "wk"))
    seconds = 7 * DAY;
  else if (g_str_equal (unit, "mo"))
    seconds = 30.0 * DAY;
  else if (g_str_equal (unit, "a"))
    seconds = 365.0 * DAY;
  else
    return 0;
  return (gint64) (value * seconds + 0.5);
}

static gboolean
status_is (const MarAdministration *a,
           const char              *status)
{
  return !a->removed && g_strcmp0 (a->status, status) == 0;
}

static gboolean
is_running (const MarAdministration *a)
{
  return status_is (a, "in-progress") || status_is (a, "on-hold");
}

/* The engine --------------------------------------------------------- */

/* Where an order stands, for choosing among several that match. */
typedef enum
{
  STANDING_ACTIVE = 0,
  STANDING_ACTIVE_OUT_OF_TIME,  /* active, but not started or ended */
  STANDING_ON_HOLD,
  STANDING_COMPLETED,
  STANDING_DISCONTINUED,
} Standing;

typedef struct
{
  const MarOrder *order;
  IngredientSet   ingredients;
  MarSchedule     schedule;
  MarDueWindow    window;
  gboolean        time_critical;
  gboolean        has_due;
  gint64          due;
  gboolean        not_started;
  gboolean        ended;
  gint64          first_due;      /* or bounds start: what NOT_STARTED names */
  Standing        standing;
  int             timing_rank;    /* 0 in window, 1 no due time, 2 out of window */
  gint64          distance;
} Candidate;

typedef struct
{
  const MarVerifyFacts *facts;
  const MarDrugLibrary *library;
  MarVerdict           *verdict;
  const MarPatient     *patient;     /* NULL unless known and usable */
  const MarProduct     *product;     /* NULL unless known and usable */
  const MarDispense    *dispense;
  IngredientSet         product_set;
  gboolean              have_product_set;
  char                 *bag_id;
  const MarAdministration *open_infusion;
  Candidate            *chosen;
  /* The patient's administrations as the rules read them (see
   * normalize_administrations()), and the copies it made. */
  GPtrArray            *administrations;
  GPtrArray            *normalized;
} Check;

static gboolean
intent_counts (const MarOrder *order)
{
  /* RULES.md, Orders: only intent order / original-order / instance-order;
   * a proposal or plan is not an order to give. */
  return order->intent != NULL &&
         (g_str_equal (order->intent, "order") ||
          g_str_equal (order->intent, "original-order") ||
          g_str_equal (order->intent, "instance-order"));
}

static gboolean
order_time_critical (const MarOrder       *order,
                     const IngredientSet  *set,
                     const MarDrugLibrary *library)
{
  /* FHIR-PROFILE.md: priority stat = time-critical. */
  if (g_strcmp0 (order->priority, "stat") == 0)
    return TRUE;
  for (guint i = 0; i < set->n; i++)
    if (mar_drug_library_is_time_critical (library, set->items[i].system, set->items[i].code))
      return TRUE;
  return FALSE;
}

static void
candidate_evaluate (Check     *check,
                    Candidate *c)
{
  const MarOrder *order = c->order;
  gint64 now = check->facts->now;

  c->time_critical = order_time_critical (order, &c->ingredients, check->library);
  mar_schedule_init (&c->schedule, order, check->facts->time_zone);
  mar_schedule_get_window (&c->schedule, mar_drug_library_get_time_windows (check->library),
                           c->time_critical, &c->window);
  c->has_due = mar_schedule_nearest_due (&c->schedule, now, &c->due);
  c->first_due = MAR_TIME_UNSET;

  if (c->schedule.kind == MAR_SCHEDULE_NONE || c->schedule.kind == MAR_SCHEDULE_UNREADABLE)
    {
      /* PRN and continuous orders have no due time: their bounds are
       * strict. */
      if (order->bounds_start != MAR_TIME_UNSET && now < order->bounds_start)
        {
          c->not_started = TRUE;
          c->first_due = order->bounds_start;
        }
      if (order->bounds_end != MAR_TIME_UNSET && now > order->bounds_end)
        c->ended = TRUE;
    }
  else
    {
      gint64 first;

      /* RULES.md, ORDER_NOT_STARTED: the first due time is later than the
       * early window allows. A dose due when ordered is never early. */
      if (mar_schedule_first_due (&c->schedule, &first) && !c->window.never_early &&
          now < first - c->window.start_early)
        {
          c->not_started = TRUE;
          c->first_due = first;
        }
      /* RULES.md, ORDER_EXPIRED: boundsPeriod.end (or repeat.count) has
       * passed — but a dose due inside the bounds may still be given
       * within its window. */
      if (c->schedule.end != MAR_TIME_UNSET && now > c->schedule.end &&
          !(c->has_due && c->due <= c->schedule.end && now <= c->due + c->window.late))
        c->ended = TRUE;
    }

  switch (order->status)
    {
    case MAR_ORDER_STATUS_ACTIVE:
      c->standing = (c->not_started || c->ended) ? STANDING_ACTIVE_OUT_OF_TIME : STANDING_ACTIVE;
      break;
    case MAR_ORDER_STATUS_ON_HOLD:
      c->standing = STANDING_ON_HOLD;
      break;
    case MAR_ORDER_STATUS_COMPLETED:
      c->standing = STANDING_COMPLETED;
      break;
    case MAR_ORDER_STATUS_STOPPED:
    case MAR_ORDER_STATUS_CANCELLED:
    case MAR_ORDER_STATUS_UNKNOWN:
    case MAR_ORDER_STATUS_ENTERED_IN_ERROR:
    case MAR_ORDER_STATUS_DRAFT:
    default:
      c->standing = STANDING_DISCONTINUED;
      break;
    }

  /* "The one whose due time is nearest wins": a scheduled dose inside its
   * window first, then orders that are due any time (PRN, continuous,
   * one-time without a time), then scheduled doses outside their window. */
  if (!c->has_due)
    {
      c->timing_rank = 1;
      c->distance = 0;
    }
  else
    {
      gint64 delta = now - c->due;

      c->distance = ABS (delta);
      if ((delta < 0 && (c->window.never_early || -delta <= c->window.early)) ||
          (delta >= 0 && delta <= c->window.late))
        c->timing_rank = 0;
      else
        c->timing_rank = 2;
    }
}

static int
compare_candidates (const Candidate *a,
                    const Candidate *b)
{
  if (a->standing != b->standing)
    return a->standing < b->standing ? -1 : 1;
  if (a->timing_rank != b->timing_rank)
    return a->timing_rank < b->timing_rank ? -1 : 1;
  if (a->distance != b->distance)
    return a->distance < b->distance ? -1 : 1;
  return g_strcmp0 (a->order->id, b->order->id);
}

/* Scans ----------------------------------------------------------------- */

static void
check_patient_scan (Check *check)
{
  const MarScanFact *scan = &check->facts->patient_scan;
  const MarPatient *patient = check->facts->patient;

  switch (scan->kind)
    {
    case MAR_SCAN_KIND_UNREADABLE:
      add_finding (check->verdict, MAR_SEVERITY_BLOCK, MAR_RIGHT_PATIENT, BARCODE_INVALID,
                   g_strdup_printf (_("The wristband scan cannot be read: %s"),
                                    scan->error_message != NULL ? scan->error_message : _("malformed barcode")));
      return;
    case MAR_SCAN_KIND_PRODUCT:
    case MAR_SCAN_KIND_BAG_LABEL:
      add_finding (check->verdict, MAR_SEVERITY_BLOCK, MAR_RIGHT_PATIENT, WRONG_BARCODE_KIND,
                   g_strdup (_("A medication was scanned where the patient's wristband is expected")));
      return;
    case MAR_SCAN_KIND_BADGE:
      add_finding (check->verdict, MAR_SEVERITY_BLOCK, MAR_RIGHT_PATIENT, WRONG_BARCODE_KIND,
                   g_strdup (_("A staff badge was scanned where the patient's wristband is expected")));
      return;
    case MAR_SCAN_KIND_UNKNOWN:
    case MAR_SCAN_KIND_WRISTBAND:
    default:
      break;
    }

  if (patient == NULL || scan->kind == MAR_SCAN_KIND_UNKNOWN)
    {
      add_finding (check->verdict, MAR_SEVERITY_BLOCK, MAR_RIGHT_PATIENT, PATIENT_UNKNOWN,
                   g_strdup (_("No patient on this terminal has this wristband: check the band and the patient")));
      return;
    }
  if (!patient->active || patient->removed)
    {
      add_finding (check->verdict, MAR_SEVERITY_BLOCK, MAR_RIGHT_PATIENT, PATIENT_UNKNOWN,
                   g_strdup (_("This patient's record is inactive: no medication can be given against it")));
      return;
    }
  check->patient = patient;
}

static void
check_product_scan (Check *check)
{
  const MarScanFact *scan = &check->facts->product_scan;
  const MarProduct *product = check->facts->product;
  const MarDispense *dispense = check->facts->dispense;

  switch (scan->kind)
    {
    case MAR_SCAN_KIND_UNREADABLE:
      add_finding (check->verdict, MAR_SEVERITY_BLOCK, MAR_RIGHT_DRUG, BARCODE_INVALID,
                   g_strdup_printf (_("The medication scan cannot be read: %s"),
                                    scan->error_message != NULL ? scan->error_message : _("malformed barcode")));
      return;
    case MAR_SCAN_KIND_WRISTBAND:
      add_finding (check->verdict, MAR_SEVERITY_BLOCK, MAR_RIGHT_DRUG, WRONG_BARCODE_KIND,
                   g_strdup (_("A wristband was scanned where the medication is expected")));
      return;
    case MAR_SCAN_KIND_BADGE:
      add_finding (check->verdict, MAR_SEVERITY_BLOCK, MAR_RIGHT_DRUG, WRONG_BARCODE_KIND,
                   g_strdup (_("A staff badge was scanned where the medication is expected")));
      return;
    case MAR_SCAN_KIND_UNKNOWN:
    case MAR_SCAN_KIND_PRODUCT:
    case MAR_SCAN_KIND_BAG_LABEL:
    default:
      break;
    }

  if (scan->kind == MAR_SCAN_KIND_BAG_LABEL)
    {
      /* A label the pharmacy withdrew is as unknown as one never issued. */
      if (dispense == NULL || dispense->removed ||
          g_strcmp0 (dispense->status, "cancelled") == 0 ||
          g_strcmp0 (dispense->status, "entered-in-error") == 0 ||
          g_strcmp0 (dispense->status, "declined") == 0 ||
          g_strcmp0 (dispense->status, "stopped") == 0)
        {
          add_finding (check->verdict, MAR_SEVERITY_BLOCK, MAR_RIGHT_DRUG, PRODUCT_UNKNOWN,
                       g_strdup (dispense == NULL
                                 ? _("This bag label is not known to this terminal: ask pharmacy")
                                 : _("This bag label was withdrawn by pharmacy: do not give it")));
          return;
        }
      if (product == NULL || product->removed)
        {
          add_finding (check->verdict, MAR_SEVERITY_BLOCK, MAR_RIGHT_DRUG, PRODUCT_UNKNOWN,
                       g_strdup (_("This bag label does not say what the bag contains: ask pharmacy")));
          return;
        }
      check->dispense = dispense;
      check->product = product;
      return;
    }

  /* RULES.md, PRODUCT_UNKNOWN: a contained Medication describes one bag
   * or one order, never a catalog product. */
  if (scan->kind == MAR_SCAN_KIND_UNKNOWN || product == NULL || product->removed || !product->catalog)
    {
      add_finding (check->verdict, MAR_SEVERITY_BLOCK, MAR_RIGHT_DRUG, PRODUCT_UNKNOWN,
                   g_strdup (_("This product is not in the catalog of this terminal: do not give it, ask pharmacy")));
      return;
    }
  check->product = product;
}

/* RULES.md, PRODUCT_EXPIRED: GS1 (17) is the last day of use (the end of
 * that local day); (7003) a date and time; a bag's beyond-use date. */
static void
check_expiry (Check *check)
{
  const MarScanFact *scan = &check->facts->product_scan;
  GTimeZone *tz = check->facts->time_zone;
  gint64 now = check->facts->now;

  if (scan->kind != MAR_SCAN_KIND_PRODUCT && scan->kind != MAR_SCAN_KIND_BAG_LABEL)
    return;

  if (scan->has_expiry_time)
    {
      gint64 expiry = mar_time_from_local (tz, scan->expiry_time_year, scan->expiry_time_month,
                                           scan->expiry_time_day, scan->expiry_time_hour,
                                           scan->expiry_time_minute, 0);

      if (expiry < now)
        {
          g_autofree char *when = format_clock (tz, expiry, now);
          add_finding (check->verdict, MAR_SEVERITY_BLOCK, MAR_RIGHT_DRUG, PRODUCT_EXPIRED,
                       g_strdup_printf (_("Expired at %s: do not give it"), when));
        }
    }
  else if (scan->expiry_year > 0)
    {
      gint64 day = mar_time_from_local (tz, scan->expiry_year, scan->expiry_month, scan->expiry_day, 12, 0, 0);
      gint64 expiry = mar_time_end_of_day (tz, day);

      if (expiry < now)
        add_finding (check->verdict, MAR_SEVERITY_BLOCK, MAR_RIGHT_DRUG, PRODUCT_EXPIRED,
                     g_strdup_printf (_("Expired on %04d-%02d-%02d: do not give it"),
                                      scan->expiry_year, scan->expiry_month, scan->expiry_day));
    }

  if (check->dispense != NULL && check->dispense->beyond_use != NULL)
    {
      gint64 end;

      if (!mar_time_parse_fhir (check->dispense->beyond_use, tz, NULL, &end, NULL))
        add_finding (check->verdict, MAR_SEVERITY_BLOCK, MAR_RIGHT_DRUG, PRODUCT_EXPIRED,
                     g_strdup (_("The bag's beyond-use date cannot be read: do not give it, ask pharmacy")));
      else if (end < now)
        add_finding (check->verdict, MAR_SEVERITY_BLOCK, MAR_RIGHT_DRUG, PRODUCT_EXPIRED,
                     g_strdup_printf (_("Beyond its use date (%s): do not give it"), check->dispense->beyond_use));
    }
}

/* Patient ---------------------------------------------------------------- */

static void
check_patient_flags (Check *check)
{
  if (check->patient == NULL)
    return;
  if (check->patient->data_incomplete)
    add_finding (check->verdict, MAR_SEVERITY_BLOCK, MAR_RIGHT_PATIENT, PATIENT_DATA_INCOMPLETE,
                 g_strdup (_("This patient is new on the unit and their records are still loading: wait until "
                             "the download finishes")));
  if (check->patient->data_rejected)
    add_finding (check->verdict, MAR_SEVERITY_BLOCK, MAR_RIGHT_PATIENT, DATA_REJECTED,
                 g_strdup (_("Some of this patient's records could not be accepted by this terminal: "
                             "call IT before giving medication")));
}

static void
check_dispense_patient (Check *check)
{
  if (check->dispense == NULL || check->patient == NULL)
    return;
  if (g_strcmp0 (check->dispense->patient_id, check->patient->id) != 0)
    add_finding (check->verdict, MAR_SEVERITY_BLOCK, MAR_RIGHT_PATIENT, PATIENT_MISMATCH,
                 g_strdup (_("This bag is labelled for another patient: do not give it")));
}

/* Allergies -------------------------------------------------------------- */

static gboolean
allergy_in_force (const MarAllergy *allergy)
{
  if (allergy->removed)
    return FALSE;
  if (g_strcmp0 (allergy->verification_status, "refuted") == 0 ||
      g_strcmp0 (allergy->verification_status, "entered-in-error") == 0)
    return FALSE;
  /* No clinical status is read as active: an allergy is never dismissed
   * for a missing field. */
  return allergy->clinical_status == NULL || g_str_equal (allergy->clinical_status, "active");
}

static gboolean
allergy_is_negation (const MarAllergy     *allergy,
                     const MarDrugLibrary *library)
{
  for (guint i = 0; i < allergy->codings->len; i++)
    {
      const MarCoding *c = g_ptr_array_index (allergy->codings, i);

      if (mar_drug_library_is_negation (library, c->system, c->code))
        return TRUE;
    }
  return FALSE;
}

static const char *
allergy_text (const MarAllergy *allergy)
{
  if (allergy->text != NULL)
    return allergy->text;
  for (guint i = 0; i < allergy->codings->len; i++)
    {
      const MarCoding *c = g_ptr_array_index (allergy->codings, i);

      if (c->display != NULL)
        return c->display;
    }
  for (guint i = 0; i < allergy->codings->len; i++)
    {
      const MarCoding *c = g_ptr_array_index (allergy->codings, i);

      if (c->code != NULL)
        return c->code;
    }
  return _("(no description)");
}

static void
check_allergies (Check *check)
{
  const MarDrugLibrary *library = check->library;
  GPtrArray *allergies = check->facts->allergies;
  gboolean any_information = FALSE;

  if (check->patient == NULL)
    return;

  for (guint i = 0; allergies != NULL && i < allergies->len; i++)
    {
      const MarAllergy *allergy = g_ptr_array_index (allergies, i);
      IngredientSet allergens;
      const Ingredient *hit = NULL;
      const char *class_name = NULL;
      gboolean mapped = FALSE;
      gboolean food_or_environment;

      /* Anything recorded, even refuted, is an assessment; only entries
       * withdrawn as errors are not. */
      if (!allergy->removed && g_strcmp0 (allergy->verification_status, "entered-in-error") != 0)
        any_information = TRUE;

      if (!allergy_in_force (allergy) || allergy_is_negation (allergy, library))
        continue;

      memset (&allergens, 0, sizeof allergens);
      for (guint j = 0; j < allergy->codings->len; j++)
        {
          const MarCoding *c = g_ptr_array_index (allergy->codings, j);
          const MarDrugClass *klass = mar_drug_library_lookup_class (library, c->system, c->code);

          if (klass != NULL)
            {
              for (guint k = 0; k < klass->ingredients->len; k++)
                {
                  const MarCoding *ing = g_ptr_array_index (klass->ingredients, k);
                  set_add (&allergens, library, ing->system, ing->code, ing->display, NULL);
                }
              class_name = klass->name;
              mapped = TRUE;
            }
          else if (set_add_coding (&allergens, library, c->system, c->code, c->display, NULL))
            mapped = TRUE;
        }

      food_or_environment = g_strcmp0 (allergy->category, "food") == 0 ||
                            g_strcmp0 (allergy->category, "environment") == 0;

      if (!mapped)
        {
          /* A food or environmental allergy the library does not map (dust
           * mites, cashews) says nothing about an IV drug; warning on it
           * for every dose would teach nurses to ignore the warning. */
          if (!food_or_environment)
            add_finding (check->verdict, MAR_SEVERITY_WARN, MAR_RIGHT_DRUG, ALLERGY_UNVERIFIED,
                         g_strdup_printf (_("Allergy that cannot be checked automatically: “%s” — check it "
                                            "against this medication"), allergy_text (allergy)));
          continue;
        }

      if (!check->have_product_set)
        continue;
      for (guint j = 0; j < check->product_set.n && hit == NULL; j++)
        if (set_find (&allergens, check->product_set.items[j].system, check->product_set.items[j].code) != NULL)
          hit = &check->product_set.items[j];
      if (hit == NULL)
        continue;

      {
        gboolean high = g_strcmp0 (allergy->criticality, "high") == 0;
        MarSeverity severity = MAR_SEVERITY_WARN;
        g_autofree char *what = NULL;
        g_autofree char *reactions = NULL;

        if (high && mar_drug_library_get_high_criticality_allergy_policy (library) == MAR_ALLERGY_POLICY_BLOCK)
          severity = MAR_SEVERITY_BLOCK;
        if (class_name != NULL)
          what = g_strdup_printf (_("%s (%s)"), allergy_text (allergy), class_name);
        else
          what = g_strdup (allergy_text (allergy));
        if (allergy->reactions != NULL && *allergy->reactions != '\0')
          reactions = g_strdup_printf (_("; reaction: %s"), allergy->reactions);
        add_finding (check->verdict, severity, MAR_RIGHT_DRUG, ALLERGY,
                     g_strdup_printf (high ? _("Allergy to %s, high criticality%s: this medication contains %s")
                                           : _("Allergy to %s%s: this medication contains %s"),
                                      what, reactions != NULL ? reactions : "",
                                      hit->display != NULL ? hit->display : hit->code));
      }
    }

  if (!any_information)
    add_finding (check->verdict, MAR_SEVERITY_INFO, MAR_RIGHT_DRUG, ALLERGIES_NOT_ASSESSED,
                 g_strdup (_("No allergy information is recorded for this patient: ask about allergies "
                             "before giving")));
}

/* Route ------------------------------------------------------------------ */

static void
check_product_form (Check *check)
{
  const MarProduct *product = check->product;

  if (product == NULL || product->form_code == NULL)
    return;
  if (mar_drug_library_is_non_iv_form (check->library, product->form_system, product->form_code))
    {
      g_autofree char *form = capitalize (product->form_display != NULL ? product->form_display : product->form_code);
      add_finding (check->verdict, MAR_SEVERITY_BLOCK, MAR_RIGHT_ROUTE, ROUTE_MISMATCH,
                   g_strdup_printf (_("%s cannot be given intravenously"), form));
    }
}

/* High-alert drugs ------------------------------------------------------- */

static void
check_witness (Check *check)
{
  GPtrArray *rules = mar_drug_library_get_high_alert_rules (check->library);
  gboolean continuous = check->chosen != NULL && mar_order_is_continuous (check->chosen->order);
  GString *reasons = NULL;

  if (!check->have_product_set)
    return;

  for (guint r = 0; r < rules->len; r++)
    {
      const MarHighAlertRule *rule = g_ptr_array_index (rules, r);
      gboolean applies = FALSE;

      if (rule->continuous_only && !continuous)
        continue;
      for (guint i = 0; i < check->product_set.n && !applies; i++)
        {
          const Ingredient *ing = &check->product_set.items[i];

          for (guint k = 0; k < rule->ingredients->len && !applies; k++)
            {
              const MarCoding *c = g_ptr_array_index (rule->ingredients, k);
              MarUnit unit;
              double per_ml;

              if (!same_code (c->system, c->code, ing->system, ing->code))
                continue;
              if (!rule->has_threshold)
                applies = TRUE;
              /* A concentration we cannot work out is not proof that the
               * bag is below the threshold. */
              else if (!ingredient_concentration (ing, &unit, &per_ml) ||
                       unit.dimension != rule->threshold_unit.dimension ||
                       mar_quantity_compare_values (per_ml, rule->threshold_base) > 0)
                applies = TRUE;
            }
        }
      if (!applies)
        continue;
      if (reasons == NULL)
        reasons = g_string_new (rule->reason);
      else
        g_string_append_printf (reasons, ", %s", rule->reason);
    }

  if (reasons != NULL)
    {
      check->verdict->requirements |= MAR_REQUIRES_WITNESS;
      add_finding (check->verdict, MAR_SEVERITY_INFO, MAR_RIGHT_OTHER, WITNESS_REQUIRED,
                   g_strdup_printf (_("High-alert medication (%s): a second nurse must check and sign as witness"),
                                    reasons->str));
      g_string_free (reasons, TRUE);
    }
}

/* Sync ----------------------------------------------------------------- */

static void
check_sync (Check *check)
{
  const MarVerifyFacts *facts = check->facts;
  gint64 stale = mar_drug_library_get_cache_stale_limit (check->library);
  gint64 skew = mar_drug_library_get_clock_skew_limit (check->library);

  if (facts->last_sync == MAR_TIME_UNSET)
    add_finding (check->verdict, MAR_SEVERITY_WARN, MAR_RIGHT_OTHER, CACHE_STALE,
                 g_strdup (_("This terminal has never received data from the server: orders may be out of date")));
  else if (facts->now - facts->last_sync > stale)
    {
      g_autofree char *age = format_duration (facts->now - facts->last_sync);
      g_autofree char *limit = format_duration (stale);
      add_finding (check->verdict, MAR_SEVERITY_WARN, MAR_RIGHT_OTHER, CACHE_STALE,
                   g_strdup_printf (_("Data last updated %s ago (limit %s): orders may be out of date"), age, limit));
    }

  if (facts->clock_skew_known && ABS (facts->clock_skew) > skew)
    {
      g_autofree char *by = format_duration (facts->clock_skew);
      add_finding (check->verdict, MAR_SEVERITY_WARN, MAR_RIGHT_OTHER, CLOCK_SKEW,
                   g_strdup_printf (facts->clock_skew > 0
                                    ? _("This terminal's clock is %s behind the server's: times may be wrong, call IT")
                                    : _("This terminal's clock is %s ahead of the server's: times may be wrong, call IT"),
                                    by));
    }
}

/* Bags -------------------------------------------------------------------- */

static void
check_bag (Check *check)
{
  GPtrArray *uses = check->facts->bag_uses;
  const MarAdministration *used = NULL;

  if (check->bag_id == NULL || uses == NULL)
    return;

  for (guint i = 0; i < uses->len; i++)
    {
      const MarAdministration *a = g_ptr_array_index (uses, i);

      if (a->bag_id != NULL && !g_str_equal (a->bag_id, check->bag_id))
        continue;
      /* RULES.md: re-scanning a bag that is infusing or paused for this
       * patient opens that infusion. */
      if (is_running (a) && check->patient != NULL &&
          g_strcmp0 (a->patient_id, check->patient->id) == 0)
        {
          check->open_infusion = a;
          return;
        }
      if (mar_administration_counts_as_given (a) && used == NULL)
        used = a;
    }

  if (used != NULL)
    {
      gboolean other_patient = check->patient == NULL || g_strcmp0 (used->patient_id, check->patient->id) != 0;

      if (other_patient)
        add_finding (check->verdict, MAR_SEVERITY_BLOCK, MAR_RIGHT_DRUG, BAG_ALREADY_USED,
                     g_strdup (_("This bag is already documented for another patient: do not give it")));
      else
        {
          g_autofree char *when = used->start != MAR_TIME_UNSET
                                  ? format_clock (check->facts->time_zone, used->start, check->facts->now)
                                  : g_strdup (_("earlier"));
          add_finding (check->verdict, MAR_SEVERITY_BLOCK, MAR_RIGHT_DRUG, BAG_ALREADY_USED,
                       g_strdup_printf (_("This bag is already documented (%s, %s): a bag is given once"),
                                        when, used->status));
        }
    }
}

/* Orders ---------------------------------------------------------------- */

static Candidate *
choose_order (Check     *check,
              GPtrArray *candidates)
{
  const MarVerifyFacts *facts = check->facts;
  g_autoptr(GPtrArray) unmapped = g_ptr_array_new ();
  Candidate *best = NULL;
  g_autofree char *name = NULL;

  if (check->patient == NULL || (check->product == NULL && check->dispense == NULL))
    return NULL;

  for (guint i = 0; facts->orders != NULL && i < facts->orders->len; i++)
    {
      const MarOrder *order = g_ptr_array_index (facts->orders, i);
      Candidate *c;
      gboolean matches;

      if (order->removed || !intent_counts (order) ||
          order->status == MAR_ORDER_STATUS_DRAFT ||
          order->status == MAR_ORDER_STATUS_ENTERED_IN_ERROR ||
          order->status == MAR_ORDER_STATUS_UNKNOWN ||
          (order->patient_id != NULL && g_strcmp0 (order->patient_id, check->patient->id) != 0))
        continue;

      c = g_new0 (Candidate, 1);
      c->order = order;
      order_ingredients (order, facts, &c->ingredients);

      if (check->dispense != NULL)
        /* RULES.md, Orders: a pharmacy label → the order in
         * authorizingPrescription. */
        matches = g_strcmp0 (order->id, check->dispense->order_id) == 0;
      else
        {
          if (c->ingredients.unmapped && order->status == MAR_ORDER_STATUS_ACTIVE)
            g_ptr_array_add (unmapped, (gpointer) order);
          matches = check->have_product_set && sets_match (&check->product_set, &c->ingredients);
        }

      if (!matches)
        {
          g_free (c);
          continue;
        }
      candidate_evaluate (check, c);
      g_ptr_array_add (candidates, c);
    }

  for (guint i = 0; i < candidates->len; i++)
    {
      Candidate *c = g_ptr_array_index (candidates, i);

      if (best == NULL || compare_candidates (c, best) < 0)
        best = c;
    }
  if (best != NULL)
    return best;

  name = drug_name (check->product, check->have_product_set ? &check->product_set : NULL);
  if (check->dispense != NULL)
    {
      add_finding (check->verdict, MAR_SEVERITY_BLOCK, MAR_RIGHT_DRUG, NO_ACTIVE_ORDER,
                   g_strdup_printf (_("%s: the order this bag was made for is not an order of this patient on "
                                      "this terminal"), name));
      return NULL;
    }
  /* RULES.md, ORDER_UNMAPPED: never a silent pass. When nothing matched,
   * an active order we could not read may be the one meant. */
  if (unmapped->len > 0)
    {
      for (guint i = 0; i < unmapped->len; i++)
        {
          const MarOrder *order = g_ptr_array_index (unmapped, i);
          g_autofree char *what = order_name (order, NULL);

          add_finding (check->verdict, MAR_SEVERITY_BLOCK, MAR_RIGHT_DRUG, ORDER_UNMAPPED,
                       g_strdup_printf (_("The order “%s” cannot be compared with this product: its drug code is "
                                          "not known to this terminal. Ask pharmacy"), what));
        }
      return NULL;
    }
  if (check->have_product_set && check->product_set.unmapped)
    add_finding (check->verdict, MAR_SEVERITY_BLOCK, MAR_RIGHT_DRUG, NO_ACTIVE_ORDER,
                 g_strdup_printf (_("%s: the catalog does not say what this product contains in codes this terminal "
                                    "knows, so no order can be matched. Ask pharmacy"), name));
  else
    add_finding (check->verdict, MAR_SEVERITY_BLOCK, MAR_RIGHT_DRUG, NO_ACTIVE_ORDER,
                 g_strdup_printf (_("%s: this patient has no order for it"), name));
  return NULL;
}

static void
check_order_standing (Check     *check,
                      Candidate *c)
{
  g_autofree char *name = order_name (c->order, &c->ingredients);
  GTimeZone *tz = check->facts->time_zone;
  gint64 now = check->facts->now;

  switch (c->order->status)
    {
    case MAR_ORDER_STATUS_ON_HOLD:
      add_finding (check->verdict, MAR_SEVERITY_BLOCK, MAR_RIGHT_DRUG, ORDER_ON_HOLD,
                   g_strdup_printf (_("The order for %s is on hold"), name));
      return;
    case MAR_ORDER_STATUS_STOPPED:
    case MAR_ORDER_STATUS_CANCELLED:
      add_finding (check->verdict, MAR_SEVERITY_BLOCK, MAR_RIGHT_DRUG, ORDER_DISCONTINUED,
                   g_strdup_printf (_("The order for %s was discontinued"), name));
      return;
    case MAR_ORDER_STATUS_COMPLETED:
      add_finding (check->verdict, MAR_SEVERITY_BLOCK, MAR_RIGHT_TIME, ORDER_EXPIRED,
                   g_strdup_printf (_("The order for %s is completed"), name));
      return;
    case MAR_ORDER_STATUS_ACTIVE:
    case MAR_ORDER_STATUS_UNKNOWN:
    case MAR_ORDER_STATUS_ENTERED_IN_ERROR:
    case MAR_ORDER_STATUS_DRAFT:
    default:
      break;
    }

  if (c->ended)
    {
      gint64 end = c->schedule.end != MAR_TIME_UNSET ? c->schedule.end : c->order->bounds_end;
      g_autofree char *when = format_clock (tz, end, now);

      add_finding (check->verdict, MAR_SEVERITY_BLOCK, MAR_RIGHT_TIME, ORDER_EXPIRED,
                   g_strdup_printf (c->order->bounds_end != MAR_TIME_UNSET && end == c->order->bounds_end
                                    ? _("The order for %s ended at %s")
                                    : _("The order for %s ended with its last dose, due %s"),
                                    name, when));
    }
  if (c->not_started)
    {
      g_autofree char *when = format_clock (tz, c->first_due, now);

      add_finding (check->verdict, MAR_SEVERITY_BLOCK, MAR_RIGHT_TIME, ORDER_NOT_STARTED,
                   g_strdup_printf (_("The order for %s has not started: its first dose is due %s"), name, when));
    }
}

static void
check_route_and_completeness (Check     *check,
                              Candidate *c)
{
  const MarOrder *order = c->order;

  /* RULES.md, ORDER_INCOMPLETE: an IV order without dose or route. A
   * continuous infusion's dose is its rate. */
  if (order->route_code == NULL)
    add_finding (check->verdict, MAR_SEVERITY_BLOCK, MAR_RIGHT_OTHER, ORDER_INCOMPLETE,
                 g_strdup (_("The order gives no route: ask the prescriber")));
  else if (!mar_drug_library_is_iv_route (check->library, order->route_system, order->route_code))
    {
      g_autofree char *route = capitalize (order->route_display != NULL ? order->route_display : order->route_code);
      add_finding (check->verdict, MAR_SEVERITY_BLOCK, MAR_RIGHT_ROUTE, ROUTE_MISMATCH,
                   g_strdup_printf (_("Ordered route: %s — not intravenous"), route));
    }

  if (!order->dose.set && !mar_order_is_continuous (order))
    add_finding (check->verdict, MAR_SEVERITY_BLOCK, MAR_RIGHT_OTHER, ORDER_INCOMPLETE,
                 g_strdup (_("The order gives no dose: ask the prescriber")));

  if (c->schedule.kind == MAR_SCHEDULE_UNREADABLE)
    add_finding (check->verdict, MAR_SEVERITY_BLOCK, MAR_RIGHT_OTHER, ORDER_INCOMPLETE,
                 g_strdup (_("The order's timing cannot be read: ask pharmacy")));
}

/* Doses ------------------------------------------------------------------ */

/* Earlier containers charted for the same dose (RULES.md, DOSE_PARTIAL). */
typedef struct
{
  double  base;         /* drug given by them, in the dose's base unit */
  guint   count;
  gboolean unknown;     /* one of them has no amount we can read */
  gint64  last_start;
} PartialGroup;

/* The amount an administration charted, in the base unit of @unit (an
 * absolute dose unit, per kg already resolved). */
static gboolean
administration_amount (const MarAdministration *a,
                       const MarUnit           *unit,
                       double                  *base)
{
  MarUnit u;

  return mar_quantity_to_base (&a->dose, &u, base) &&
         u.dimension == unit->dimension && !u.per_kg && u.per_time == 0 && u.per_volume == 0;
}

static gboolean
same_bag (const Check             *check,
          const MarAdministration *a)
{
  return check->bag_id != NULL && a->bag_id != NULL && g_str_equal (check->bag_id, a->bag_id);
}

/* Which earlier partial containers belong to the dose this scan gives:
 * those charted against the same due time; for a PRN or a one-time order
 * without a due time, those since the last full dose (and, for a PRN,
 * within its interval). */
static void
collect_partials (Check           *check,
                  Candidate       *c,
                  const MarUnit   *unit,
                  gint64           prn_interval,
                  PartialGroup    *group)
{
  GPtrArray *administrations = check->administrations;
  gint64 last_full = G_MININT64;

  memset (group, 0, sizeof *group);
  group->last_start = MAR_TIME_UNSET;
  if (administrations == NULL)
    return;

  if (!c->has_due)
    for (guint i = 0; i < administrations->len; i++)
      {
        const MarAdministration *a = g_ptr_array_index (administrations, i);

        if (g_strcmp0 (a->order_id, c->order->id) == 0 && mar_administration_counts_as_given (a) &&
            !a->partial && a->start != MAR_TIME_UNSET && a->start > last_full)
          last_full = a->start;
      }

  for (guint i = 0; i < administrations->len; i++)
    {
      const MarAdministration *a = g_ptr_array_index (administrations, i);
      double amount;

      if (g_strcmp0 (a->order_id, c->order->id) != 0 || !a->partial ||
          !mar_administration_counts_as_given (a) || same_bag (check, a))
        continue;
      if (c->has_due)
        {
          if (mar_schedule_charted_due (&c->schedule, a) != c->due)
            continue;
        }
      else
        {
          if (a->start == MAR_TIME_UNSET || a->start <= last_full)
            continue;
          if (prn_interval > 0 && a->start < check->facts->now - prn_interval)
            continue;
        }
      group->count++;
      if (a->start != MAR_TIME_UNSET && (group->last_start == MAR_TIME_UNSET || a->start > group->last_start))
        group->last_start = a->start;
      if (unit != NULL && administration_amount (a, unit, &amount))
        group->base += amount;
      else
        group->unknown = TRUE;
    }
}

typedef struct
{
  gboolean  known;          /* the order's dose could be compared */
  MarUnit   unit;           /* the dose's unit, per kg resolved */
  double    low, high;      /* ordered, base units, per kg resolved */
  double    container;      /* this container, base units */
  double    earlier;        /* earlier partial containers of this dose */
  gboolean  complete_before;/* earlier partials already made the whole dose */
} DoseOutcome;

/* @base in the order's own unit, without its per-kg part (@ucum). */
static void
set_quantity_base (MarQuantity *quantity,
                   const char  *ucum,
                   double       base)
{
  MarUnit u;

  if (mar_unit_parse (ucum, &u))
    mar_quantity_set (quantity, mar_unit_from_base (&u, base), ucum);
}

/* @unit as a concentration per mL (for showing one). */
static MarUnit
per_ml_unit (const MarUnit *unit)
{
  MarUnit ml, out = *unit;

  mar_unit_parse ("mL", &ml);
  out.per_kg = FALSE;
  out.per_time = 0;
  out.per_volume = 1;
  out.volume_symbol = ml.symbol;
  return out;
}

/* The dose unit without "/kg": "mg/kg" → "mg". */
static void
absolute_unit_code (const char *ucum,
                    char       *out,
                    gsize       size)
{
  const char *slash = strstr (ucum, "/kg");

  if (slash == NULL)
    slash = strstr (ucum, ".kg-1");
  if (slash != NULL && (gsize) (slash - ucum) < size)
    {
      memcpy (out, ucum, (gsize) (slash - ucum));
      out[slash - ucum] = '\0';
      g_strlcat (out, slash + (slash[0] == '/' ? 3 : 5), size);
    }
  else
    g_strlcpy (out, ucum, size);
}

static void
check_dose (Check     *check,
            Candidate *c,
            gint64     prn_interval)
{
  const MarOrder *order = c->order;
  const MarProduct *product = check->product;
  MarVerdict *verdict = check->verdict;
  MarUnit unit;
  double low, high, container = 0, tolerance;
  double weight_kg = 0, volume_ml = 0;
  gboolean have_volume, found = FALSE;
  WeightState weight = WEIGHT_NONE;
  PartialGroup group;
  g_autofree char *name = NULL;
  g_autofree char *ordered = NULL;
  char abs_code[MAR_UNIT_MAX];

  if (!order->dose.set || product == NULL || !check->have_product_set)
    return;

  name = drug_name (product, &check->product_set);
  if (!mar_unit_parse (order->dose.unit, &unit) || unit.per_time != 0 || unit.per_volume != 0)
    {
      add_finding (verdict, MAR_SEVERITY_BLOCK, MAR_RIGHT_DOSE, DOSE_MISMATCH,
                   g_strdup_printf (_("%s: the ordered dose (%s) is in a unit this terminal cannot check"),
                                    name, order->dose.unit));
      return;
    }

  low = mar_unit_to_base (&unit, order->dose.value);
  high = low;
  if (order->dose_high.set)
    {
      MarUnit high_unit;
      double h;

      if (mar_quantity_to_base (&order->dose_high, &high_unit, &h) && mar_unit_is_compatible (&unit, &high_unit))
        high = MAX (h, low);
    }

  ordered = mar_quantity_format (order->dose.value, order->dose.unit);
  if (order->dose_high.set && high > low)
    {
      g_autofree char *l = mar_quantity_format_value (order->dose.value);
      g_autofree char *h = mar_quantity_format (order->dose_high.value, order->dose_high.unit);

      g_free (ordered);
      ordered = g_strdup_printf ("%s–%s", l, h);
    }

  if (unit.per_kg)
    {
      /* RULES.md: a dose per kg uses the latest weight. */
      weight = patient_weight (check->patient, check->library, check->facts->now, &weight_kg);
      if (weight != WEIGHT_OK)
        {
          add_weight_missing (verdict, weight, check->patient, check->library, check->facts->now);
          return;
        }
      low *= weight_kg;
      high *= weight_kg;
      unit.per_kg = FALSE;
      {
        MarUnit abs_unit = unit;
        g_autofree char *total = NULL;
        g_autofree char *kg = mar_quantity_format_value (weight_kg);
        g_autofree char *per_kg = g_steal_pointer (&ordered);

        abs_unit.per_kg = FALSE;
        total = mar_quantity_format_base (low, &abs_unit);
        ordered = g_strdup_printf (_("%s (%s for %s kg)"), per_kg, total, kg);
      }
    }
  absolute_unit_code (order->dose.unit, abs_code, sizeof abs_code);

  have_volume = container_volume (product, check->dispense, &volume_ml);

  if (unit.dimension == MAR_DIMENSION_VOLUME)
    {
      /* RULES.md: a dose in volume (1000 mL 0.9% NaCl) compares with the
       * bag volume. */
      if (have_volume)
        {
          container = volume_ml;
          found = TRUE;
        }
    }
  else if (unit.dimension == MAR_DIMENSION_COUNT)
    {
      container = 1;
      found = TRUE;
    }
  else
    {
      /* A dose in mass, units, mEq or mmol compares with the drug content;
       * a combination's dose may be the sum of its ingredients
       * (piperacillin 3 g + tazobactam 0.375 g = 3.375 g). Each reading is
       * tried; the one nearest the dose decides. */
      double sum = 0, best = 0, best_score = G_MAXDOUBLE;
      guint n_candidates = 0, n_active = count_active (&check->product_set);
      gboolean exact = FALSE;

      for (guint i = 0; i < check->product_set.n; i++)
        {
          const Ingredient *ing = &check->product_set.items[i];
          MarUnit content_unit;
          double content;

          if (ing->diluent && n_active > 0)
            continue;
          if (!ingredient_content (ing, product, check->product_set.n, have_volume, volume_ml,
                                   &content_unit, &content) ||
              content_unit.dimension != unit.dimension)
            continue;
          sum += content;
          n_candidates++;
          if (content >= low * (1 - 1e-9) && content <= high * (1 + 1e-9))
            {
              exact = TRUE;
              best = content;
            }
          else if (!exact)
            {
              double score = fabs (log (content / low));

              if (score < best_score)
                {
                  best_score = score;
                  best = content;
                }
            }
        }
      if (n_candidates > 1)
        {
          if (sum >= low * (1 - 1e-9) && sum <= high * (1 + 1e-9))
            {
              exact = TRUE;
              best = sum;
            }
          else if (!exact && fabs (log (sum / low)) < best_score)
            best = sum;
        }
      if (n_candidates > 0)
        {
          container = best;
          found = TRUE;
        }
    }

  if (!found)
    {
      add_finding (verdict, MAR_SEVERITY_BLOCK, MAR_RIGHT_DOSE, DOSE_MISMATCH,
                   g_strdup_printf (_("%s — ordered %s: the catalog does not give this product's strength or "
                                      "volume, so the dose cannot be checked. Ask pharmacy"), name, ordered));
      return;
    }

  verdict->has_container_dose = TRUE;
  set_quantity_base (&verdict->container_dose, abs_code, container);

  /* Continuous infusions are hung bag after bag: each bag is compared on
   * its own; so is a running bag that is being reopened. */
  if (mar_order_is_continuous (order) || check->open_infusion != NULL)
    memset (&group, 0, sizeof group);
  else
    collect_partials (check, c, &unit, prn_interval, &group);

  if (group.unknown)
    {
      add_finding (verdict, MAR_SEVERITY_BLOCK, MAR_RIGHT_DOSE, DOSE_MISMATCH,
                   g_strdup_printf (_("%s: an earlier container of this dose has no amount charted, so the total "
                                      "cannot be checked"), name));
      return;
    }

  tolerance = mar_drug_library_get_dose_tolerance_percent (check->library) / 100.0;
  {
    double total = group.base + container;
    g_autofree char *this_one = mar_quantity_format_base (container, &unit);
    g_autofree char *total_text = mar_quantity_format_base (total, &unit);
    g_autofree char *earlier_text = mar_quantity_format_base (group.base, &unit);

    /* The earlier containers made the dose already: DOSE_ALREADY_GIVEN
     * says so, not the dose check. */
    if (group.count > 0 && mar_quantity_compare_values (group.base, low * (1 - tolerance)) >= 0)
      return;

    if (mar_quantity_compare_values (total, high * (1 + tolerance)) > 0)
      {
        if (group.count == 0)
          add_finding (verdict, MAR_SEVERITY_BLOCK, MAR_RIGHT_DOSE, DOSE_MISMATCH,
                       g_strdup_printf (_("%s %s — ordered %s"), name, this_one, ordered));
        else
          add_finding (verdict, MAR_SEVERITY_BLOCK, MAR_RIGHT_DOSE, DOSE_MISMATCH,
                       g_strdup_printf (_("%s %s — with %s already given this makes %s; ordered %s"),
                                        name, this_one, earlier_text, total_text, ordered));
        return;
      }
    /* Reopening a running bag gives no new container: what remains of a
     * split dose was said when it was started. */
    if (mar_quantity_compare_values (total, low * (1 - tolerance)) < 0 && check->open_infusion == NULL)
      {
        double remaining = low - total;
        g_autofree char *remaining_text = mar_quantity_format_base (remaining, &unit);

        verdict->partial = TRUE;
        verdict->has_remaining_dose = TRUE;
        set_quantity_base (&verdict->remaining_dose, abs_code, remaining);
        if (group.count == 0)
          add_finding (verdict, MAR_SEVERITY_WARN, MAR_RIGHT_DOSE, DOSE_PARTIAL,
                       g_strdup_printf (_("%s %s — ordered %s: %s remains; scan the next container for this dose"),
                                        name, this_one, ordered, remaining_text));
        else
          add_finding (verdict, MAR_SEVERITY_WARN, MAR_RIGHT_DOSE, DOSE_PARTIAL,
                       g_strdup_printf (_("%s %s — with %s already given this makes %s of %s ordered: %s remains; "
                                          "scan the next container for this dose"),
                                        name, this_one, earlier_text, total_text, ordered, remaining_text));
        return;
      }
    /* This container completes a dose given in several. */
    if (group.count > 0)
      verdict->partial = TRUE;
  }
}

/* RULES.md, DOSE_MISMATCH: a different concentration for a continuous
 * infusion whose order gives one. */
static void
check_concentration (Check     *check,
                     Candidate *c)
{
  const MarOrder *order = c->order;
  g_autofree char *name = NULL;

  if (!mar_order_is_continuous (order) || check->product == NULL || !check->have_product_set)
    return;

  for (guint i = 0; i < c->ingredients.n; i++)
    {
      const Ingredient *wanted = &c->ingredients.items[i];
      const Ingredient *have;
      MarUnit wanted_unit, have_unit;
      double wanted_per_ml, have_per_ml;
      g_autofree char *wanted_text = NULL;
      g_autofree char *have_text = NULL;

      if (!ingredient_concentration (wanted, &wanted_unit, &wanted_per_ml))
        continue;
      if (name == NULL)
        name = drug_name (check->product, &check->product_set);
      have = set_find (&check->product_set, wanted->system, wanted->code);
      wanted_unit = per_ml_unit (&wanted_unit);
      wanted_text = mar_quantity_format_base (wanted_per_ml, &wanted_unit);
      if (have == NULL || !ingredient_concentration (have, &have_unit, &have_per_ml) ||
          have_unit.dimension != wanted_unit.dimension)
        {
          add_finding (check->verdict, MAR_SEVERITY_BLOCK, MAR_RIGHT_DOSE, DOSE_MISMATCH,
                       g_strdup_printf (_("%s — ordered at %s: the bag's concentration cannot be checked"),
                                        name, wanted_text));
          continue;
        }
      if (!mar_quantity_values_equal (have_per_ml, wanted_per_ml))
        {
          have_text = mar_quantity_format_base (have_per_ml, &wanted_unit);
          add_finding (check->verdict, MAR_SEVERITY_BLOCK, MAR_RIGHT_DOSE, DOSE_MISMATCH,
                       g_strdup_printf (_("%s %s — ordered %s"), name, have_text, wanted_text));
        }
    }
}

/* Time ------------------------------------------------------------------- */

static gboolean
is_scheduled (const Candidate *c)
{
  return c->schedule.kind == MAR_SCHEDULE_ONE_TIME ||
         c->schedule.kind == MAR_SCHEDULE_EVENTS ||
         c->schedule.kind == MAR_SCHEDULE_TIMES_OF_DAY ||
         c->schedule.kind == MAR_SCHEDULE_INTERVAL;
}

static double
order_dose_base (const Check     *check,
                 const MarOrder  *order,
                 MarUnit         *unit)
{
  double kg;

  if (!order->dose.set || !mar_unit_parse (order->dose.unit, unit))
    return -1;
  if (unit->per_kg)
    {
      if (patient_weight (check->patient, check->library, check->facts->now, &kg) != WEIGHT_OK)
        return -1;
      unit->per_kg = FALSE;
      return mar_unit_to_base (unit, order->dose.value) * kg;
    }
  return mar_unit_to_base (unit, order->dose.value);
}

/* RULES.md, DOSE_PARTIAL; FHIR-PROFILE.md (dosage.dose = volume infused):
 * other terminals chart a container by the volume it gave. The drug it gave
 * is its strength × that volume; a container that gave less than the
 * ordered dose was one part of it, and the next container adds up. Such
 * administrations are read as copies carrying the drug amount and the
 * partial mark, so every rule (already given, partial sums, PRN counts)
 * reads them alike. */
static MarAdministration *
normalized_administration (Check                   *check,
                           const MarAdministration *a)
{
  const MarVerifyFacts *facts = check->facts;
  const MarOrder *order = NULL;
  const MarProduct *product = NULL;
  IngredientSet set;
  MarUnit volume_unit, dose_unit;
  double volume_ml, ordered, content = 0;
  gboolean found = FALSE;
  MarAdministration *copy;

  if (a->partial || !a->dose.set || a->product_id == NULL || a->order_id == NULL ||
      facts->orders == NULL || facts->administration_products == NULL)
    return NULL;
  if (!mar_quantity_to_base (&a->dose, &volume_unit, &volume_ml) ||
      volume_unit.dimension != MAR_DIMENSION_VOLUME || volume_unit.per_time != 0 ||
      volume_unit.per_kg || volume_unit.per_volume != 0)
    return NULL;

  for (guint i = 0; i < facts->orders->len && order == NULL; i++)
    {
      const MarOrder *o = g_ptr_array_index (facts->orders, i);

      if (g_strcmp0 (o->id, a->order_id) == 0)
        order = o;
    }
  for (guint i = 0; i < facts->administration_products->len && product == NULL; i++)
    {
      const MarProduct *p = g_ptr_array_index (facts->administration_products, i);

      if (g_strcmp0 (p->id, a->product_id) == 0)
        product = p;
    }
  if (order == NULL || product == NULL)
    return NULL;

  ordered = order_dose_base (check, order, &dose_unit);
  if (ordered <= 0 || dose_unit.dimension == MAR_DIMENSION_VOLUME)
    return NULL;

  product_ingredients (product, check->library, &set);
  for (guint i = 0; i < set.n; i++)
    {
      MarUnit unit;
      double base;

      if (set.items[i].diluent ||
          !ingredient_content (&set.items[i], product, set.n, TRUE, volume_ml, &unit, &base) ||
          unit.dimension != dose_unit.dimension)
        continue;
      content += base;
      found = TRUE;
    }
  if (!found ||
      mar_quantity_compare_values (content,
                                   ordered * (1 - mar_drug_library_get_dose_tolerance_percent (check->library) / 100)) >= 0)
    return NULL;

  copy = mar_administration_new ();
  copy->id = g_strdup (a->id);
  copy->source = g_strdup (a->source);
  copy->patient_id = g_strdup (a->patient_id);
  copy->order_id = g_strdup (a->order_id);
  copy->order_version = g_strdup (a->order_version);
  copy->status = g_strdup (a->status);
  copy->start = a->start;
  copy->end = a->end;
  copy->due_time = a->due_time;
  copy->bag_id = g_strdup (a->bag_id);
  copy->product_id = g_strdup (a->product_id);
  copy->gtin = g_strdup (a->gtin);
  copy->removed = a->removed;
  copy->partial = TRUE;
  {
    char unit[MAR_UNIT_MAX];

    absolute_unit_code (order->dose.unit, unit, sizeof unit);
    set_quantity_base (&copy->dose, unit, content);
  }
  return copy;
}

static void
normalize_administrations (Check *check)
{
  GPtrArray *given = check->facts->administrations;

  check->administrations = g_ptr_array_new ();
  check->normalized = g_ptr_array_new_with_free_func ((GDestroyNotify) mar_administration_free);
  for (guint i = 0; given != NULL && i < given->len; i++)
    {
      const MarAdministration *a = g_ptr_array_index (given, i);
      MarAdministration *copy = normalized_administration (check, a);

      if (copy != NULL)
        {
          g_ptr_array_add (check->normalized, copy);
          g_ptr_array_add (check->administrations, copy);
        }
      else
        g_ptr_array_add (check->administrations, (gpointer) a);
    }
}

static void
check_time (Check     *check,
            Candidate *c)
{
  MarVerdict *verdict = check->verdict;
  GTimeZone *tz = check->facts->time_zone;
  gint64 now = check->facts->now;
  GPtrArray *administrations = check->administrations;
  gint64 delta;

  if (!is_scheduled (c))
    return;

  verdict->window_minutes = c->window.minutes;

  if (c->has_due)
    {
      delta = now - c->due;
      verdict->due_time = c->due;
      verdict->minutes_from_due = delta >= 0 ? minutes_up (delta) : -minutes_up (-delta);

      /* ORDER_NOT_STARTED and ORDER_EXPIRED already say it, and better. */
      if (!c->not_started && !c->ended)
        {
          g_autofree char *due = format_clock (tz, c->due, now);

          if (delta < 0 && !c->window.never_early && -delta > c->window.early)
            {
              g_autofree char *by = format_duration (delta);
              add_finding (verdict, MAR_SEVERITY_WARN, MAR_RIGHT_TIME, TIME_EARLY,
                           c->schedule.kind == MAR_SCHEDULE_ONE_TIME
                           ? g_strdup_printf (_("Early by %s (due %s; a one-time dose is not given before it is due)"),
                                              by, due)
                           : g_strdup_printf (_("Early by %s (due %s, window ±%d min)"), by, due, c->window.minutes));
            }
          else if (delta > c->window.late)
            {
              g_autofree char *by = format_duration (delta);
              add_finding (verdict, MAR_SEVERITY_WARN, MAR_RIGHT_TIME, TIME_LATE,
                           c->schedule.kind == MAR_SCHEDULE_ONE_TIME
                           ? g_strdup_printf (_("Late by %s (due %s; a stat or first dose is late after %d min)"),
                                              by, due, c->window.minutes)
                           : g_strdup_printf (_("Late by %s (due %s, window ±%d min)"), by, due, c->window.minutes));
            }
        }
    }

  /* RULES.md, DOSE_ALREADY_GIVEN: the matched due time is already charted
   * by any terminal. Partial containers chart it once their sum makes the
   * dose. */
  if (administrations == NULL)
    return;
  {
    const MarAdministration *given = NULL;
    MarUnit unit;
    double dose = order_dose_base (check, c->order, &unit);
    double partial_sum = 0;
    gboolean partial_unknown = FALSE;
    guint n_partial = 0;

    for (guint i = 0; i < administrations->len && given == NULL; i++)
      {
        const MarAdministration *a = g_ptr_array_index (administrations, i);
        double amount;

        if (g_strcmp0 (a->order_id, c->order->id) != 0 || !mar_administration_counts_as_given (a) ||
            same_bag (check, a))
          continue;
        if (c->has_due && mar_schedule_charted_due (&c->schedule, a) != c->due)
          continue;
        if (!a->partial)
          given = a;
        else
          {
            n_partial++;
            if (dose > 0 && administration_amount (a, &unit, &amount))
              partial_sum += amount;
            else
              partial_unknown = TRUE;
          }
      }

    if (given == NULL && n_partial > 0 && !partial_unknown && dose > 0 &&
        mar_quantity_compare_values (partial_sum,
                                     dose * (1 - mar_drug_library_get_dose_tolerance_percent (check->library) / 100)) >= 0)
      {
        g_autofree char *due = c->has_due ? format_clock (tz, c->due, now) : NULL;
        add_finding (verdict, MAR_SEVERITY_BLOCK, MAR_RIGHT_TIME, DOSE_ALREADY_GIVEN,
                     c->has_due
                     ? g_strdup_printf (_("The dose due %s was already given in full (%u containers)"), due, n_partial)
                     : g_strdup_printf (_("This one-time dose was already given in full (%u containers)"), n_partial));
      }
    else if (given != NULL)
      {
        g_autofree char *due = c->has_due ? format_clock (tz, c->due, now) : NULL;
        g_autofree char *at = given->start != MAR_TIME_UNSET ? format_clock (tz, given->start, now) : g_strdup ("?");
        gboolean elsewhere = given->source != NULL && !g_str_equal (given->source, "local");

        if (c->has_due)
          add_finding (verdict, MAR_SEVERITY_BLOCK, MAR_RIGHT_TIME, DOSE_ALREADY_GIVEN,
                       elsewhere
                       ? g_strdup_printf (_("The dose due %s is already charted (given %s, charted elsewhere)"), due, at)
                       : g_strdup_printf (_("The dose due %s is already charted (given %s)"), due, at));
        else
          add_finding (verdict, MAR_SEVERITY_BLOCK, MAR_RIGHT_TIME, DOSE_ALREADY_GIVEN,
                       g_strdup_printf (_("This one-time dose is already charted (given %s)"), at));
      }
  }
}

static gint64
prn_min_interval (const MarOrder *order)
{
  gint64 period = period_seconds (order->period, order->period_unit);

  if (period <= 0)
    return 0;
  return period / MAX (order->frequency, 1);
}

static void
check_prn (Check     *check,
           Candidate *c,
           gint64     interval)
{
  GPtrArray *administrations = check->administrations;
  gint64 now = check->facts->now;
  const MarAdministration *last = NULL;
  PartialGroup group;
  MarUnit unit;
  double dose;

  if (!c->order->as_needed)
    return;
  check->verdict->prn = TRUE;
  check->verdict->requirements |= MAR_REQUIRES_PRN_REASON;
  if (interval <= 0 || administrations == NULL)
    return;

  /* Containers of a PRN dose still being given are that dose, not an
   * earlier one. */
  dose = order_dose_base (check, c->order, &unit);
  collect_partials (check, c, dose > 0 ? &unit : NULL, interval, &group);
  if (!(group.count > 0 && !group.unknown && dose > 0 && mar_quantity_compare_values (group.base, dose) < 0))
    group.count = 0;

  for (guint i = 0; i < administrations->len; i++)
    {
      const MarAdministration *a = g_ptr_array_index (administrations, i);

      if (g_strcmp0 (a->order_id, c->order->id) != 0 || !mar_administration_counts_as_given (a) ||
          a->start == MAR_TIME_UNSET || a->start > now || same_bag (check, a))
        continue;
      if (group.count > 0 && a->partial && a->start <= group.last_start && a->start >= now - interval)
        continue;
      if (last == NULL || a->start > last->start)
        last = a;
    }

  if (last != NULL && now - last->start < interval)
    {
      g_autofree char *ago = format_duration (now - last->start);
      g_autofree char *at = format_clock (check->facts->time_zone, last->start, now);
      g_autofree char *every = format_duration (interval);

      add_finding (check->verdict, MAR_SEVERITY_WARN, MAR_RIGHT_TIME, PRN_TOO_SOON,
                   g_strdup_printf (_("Last dose %s ago (%s); this as-needed order allows one every %s"), ago, at, every));
    }
}

/* RULES.md, PRN_MAX_EXCEEDED: more than maxDosePerPeriod. A count ("4
 * doses per day") counts doses, a container of a split dose as its share;
 * an amount ("4 g per day") adds up what was given. */
static void
check_max_per_period (Check     *check,
                      Candidate *c)
{
  const MarOrder *order = c->order;
  const MarRatio *max = &order->max_dose_per_period;
  GPtrArray *administrations = check->administrations;
  gint64 now = check->facts->now;
  MarUnit max_unit, period_unit, dose_unit;
  double max_base, period_base, dose, total = 0;
  gint64 period;
  gboolean counting;
  MarQuantity container;

  if (!max->numerator.set || !max->denominator.set ||
      !mar_quantity_to_base (&max->numerator, &max_unit, &max_base) ||
      !mar_quantity_to_base (&max->denominator, &period_unit, &period_base) ||
      period_unit.dimension != MAR_DIMENSION_TIME || period_base <= 0)
    return;
  period = (gint64) (period_base + 0.5);
  counting = max_unit.dimension == MAR_DIMENSION_COUNT;
  dose = order_dose_base (check, order, &dose_unit);
  if (!counting && (dose <= 0 || !mar_unit_is_compatible (&dose_unit, &max_unit)))
    return;

  for (guint i = 0; administrations != NULL && i < administrations->len; i++)
    {
      const MarAdministration *a = g_ptr_array_index (administrations, i);
      double amount;

      if (g_strcmp0 (a->order_id, order->id) != 0 || !mar_administration_counts_as_given (a) ||
          a->start == MAR_TIME_UNSET || a->start <= now - period || a->start > now || same_bag (check, a))
        continue;
      if (counting)
        total += (a->partial && dose > 0 && administration_amount (a, &dose_unit, &amount)) ? amount / dose : 1;
      else
        total += (dose > 0 && administration_amount (a, &dose_unit, &amount)) ? amount : dose;
    }

  /* And this one. */
  if (mar_verdict_get_container_dose (check->verdict, &container) && dose > 0)
    {
      double this_base;
      MarUnit u;

      if (mar_quantity_to_base (&container, &u, &this_base))
        total += counting ? (check->verdict->partial ? this_base / dose : 1) : this_base;
      else
        total += counting ? 1 : dose;
    }
  else
    total += counting ? 1 : MAX (dose, 0);

  if (mar_quantity_compare_values (total, max_base) > 0)
    {
      g_autofree char *limit = mar_quantity_format (max->numerator.value, max->numerator.unit);
      g_autofree char *over = format_duration (period);
      g_autofree char *given = counting ? mar_quantity_format_value (total) : mar_quantity_format_base (total, &max_unit);

      add_finding (check->verdict, MAR_SEVERITY_BLOCK, MAR_RIGHT_DOSE, PRN_MAX_EXCEEDED,
                   counting
                   ? g_strdup_printf (_("This would be dose %s in %s; the order allows at most %s"), given, over, limit)
                   : g_strdup_printf (_("This would make %s in %s; the order allows at most %s"), given, over, limit));
    }
}

/* RULES.md, Time: a new bag for a continuous order while its previous bag
 * is still infusing (or paused) is BAG_STILL_INFUSING until that bag is
 * completed. */
static void
check_still_infusing (Check     *check,
                      Candidate *c)
{
  GPtrArray *administrations = check->administrations;

  if (!mar_order_is_continuous (c->order) || administrations == NULL)
    return;
  for (guint i = 0; i < administrations->len; i++)
    {
      const MarAdministration *a = g_ptr_array_index (administrations, i);

      if (g_strcmp0 (a->order_id, c->order->id) != 0 || !is_running (a) || same_bag (check, a))
        continue;
      {
        g_autofree char *since = a->start != MAR_TIME_UNSET
                                 ? format_clock (check->facts->time_zone, a->start, check->facts->now)
                                 : g_strdup ("?");
        add_finding (check->verdict, MAR_SEVERITY_BLOCK, MAR_RIGHT_OTHER, BAG_STILL_INFUSING,
                     g_strdup_printf (status_is (a, "on-hold")
                                      ? _("The previous bag of this infusion (started %s) is paused, not completed: "
                                          "complete it before hanging a new one")
                                      : _("The previous bag of this infusion (started %s) is still infusing: "
                                          "complete it before hanging a new one"),
                                      since));
        return;
      }
    }
}

static void
check_weight_for_rate (Check     *check,
                       Candidate *c)
{
  MarUnit unit;
  double kg;
  WeightState state;

  /* RULES.md, WEIGHT_MISSING: a weight-based order and no weight in the
   * last 30 days (a per-kg dose is checked with the dose). */
  if (!c->order->rate.set || !mar_unit_parse (c->order->rate.unit, &unit) || !unit.per_kg)
    return;
  state = patient_weight (check->patient, check->library, check->facts->now, &kg);
  if (state != WEIGHT_OK)
    add_weight_missing (check->verdict, state, check->patient, check->library, check->facts->now);
}

MarVerdict *
mar_verify (const MarVerifyFacts *facts)
{
  g_autoptr(GPtrArray) candidates = g_ptr_array_new_with_free_func (g_free);
  Check check = { 0 };
  Candidate *c;

  g_return_val_if_fail (facts != NULL, NULL);
  g_return_val_if_fail (facts->library != NULL, NULL);
  g_return_val_if_fail (facts->time_zone != NULL, NULL);

  check.facts = facts;
  check.library = facts->library;
  check.verdict = verdict_new (facts->library);

  /* Each rule runs with whatever the facts allow: an unknown product does
   * not hide the patient's findings, nor the reverse. */
  check_patient_scan (&check);
  check_product_scan (&check);
  check_patient_flags (&check);
  check_dispense_patient (&check);
  check_expiry (&check);
  normalize_administrations (&check);

  if (check.product != NULL)
    {
      product_ingredients (check.product, check.library, &check.product_set);
      check.have_product_set = TRUE;
      check.verdict->product_id = g_strdup (check.product->id);
    }
  if (check.dispense != NULL)
    check.verdict->dispense_id = g_strdup (check.dispense->id);
  if (check.product != NULL || check.dispense != NULL)
    check.bag_id = mar_verify_dup_bag_id (&facts->product_scan, check.dispense);
  check.verdict->bag_id = g_strdup (check.bag_id);

  check_bag (&check);
  check_product_form (&check);

  c = choose_order (&check, candidates);
  check.chosen = c;

  /* A re-scanned running bag opens its infusion: that bag's order is the
   * one it runs on. */
  if (check.open_infusion != NULL)
    {
      check.verdict->outcome = MAR_VERDICT_OUTCOME_OPEN_INFUSION;
      check.verdict->open_administration_id = g_strdup (check.open_infusion->id);
      for (guint i = 0; i < candidates->len; i++)
        {
          Candidate *other = g_ptr_array_index (candidates, i);

          if (g_strcmp0 (other->order->id, check.open_infusion->order_id) == 0)
            c = check.chosen = other;
        }
    }

  if (c != NULL)
    {
      gint64 prn_interval = c->order->as_needed ? prn_min_interval (c->order) : 0;

      check.verdict->order_id = g_strdup (c->order->id);
      check_order_standing (&check, c);
      check_route_and_completeness (&check, c);
      check_dose (&check, c, prn_interval);
      check_concentration (&check, c);
      check_weight_for_rate (&check, c);
      check.verdict->prn = c->order->as_needed;

      /* Opening a running bag starts no new dose: the rules about giving
       * one (time, already given, PRN, still infusing) do not apply. */
      if (check.open_infusion == NULL)
        {
          check_time (&check, c);
          check_prn (&check, c, prn_interval);
          check_max_per_period (&check, c);
          check_still_infusing (&check, c);
        }
    }

  check_allergies (&check);
  check_witness (&check);
  check_sync (&check);

  g_free (check.bag_id);
  g_ptr_array_unref (check.administrations);
  g_ptr_array_unref (check.normalized);
  return verdict_finish (check.verdict);
}

/* Rates ------------------------------------------------------------------ */

typedef struct
{
  const MarRateFacts *facts;
  MarVerdict         *verdict;
  IngredientSet       set;
  gboolean            have_volume;
  double              volume_ml;
  WeightState         weight;
  double              weight_kg;
} RateCheck;

static gboolean
rate_weight (RateCheck *rc,
             double    *kg)
{
  if (rc->weight != WEIGHT_OK)
    {
      add_weight_missing (rc->verdict, rc->weight, rc->facts->patient, rc->facts->library, rc->facts->now);
      return FALSE;
    }
  *kg = rc->weight_kg;
  return TRUE;
}

/* The bag's concentration of the ingredient a dose-rate unit is about (a
 * drug, not a diluent, whose strength has that dimension). */
static const Ingredient *
rate_ingredient (RateCheck     *rc,
                 MarDimension   dimension,
                 double        *per_ml)
{
  const Ingredient *found = NULL;
  guint n_active = count_active (&rc->set);

  for (guint i = 0; i < rc->set.n; i++)
    {
      const Ingredient *ing = &rc->set.items[i];
      MarUnit unit;
      double c;

      if (ing->diluent && n_active > 0)
        continue;
      if (!ingredient_concentration (ing, &unit, &c) || unit.dimension != dimension)
        continue;
      if (found != NULL)
        return NULL;  /* two drugs in this unit: which one is meant is not clear */
      found = ing;
      *per_ml = c;
    }
  return found;
}

/* The volume one dose takes: a dose in volume, a drug dose through the
 * bag's concentration, or the whole bag. */
static gboolean
dose_volume (RateCheck *rc,
             double    *ml)
{
  const MarOrder *order = rc->facts->order;
  MarUnit unit;
  double base, kg, per_ml;

  if (order->dose.set && mar_quantity_to_base (&order->dose, &unit, &base))
    {
      if (unit.per_kg)
        {
          if (!rate_weight (rc, &kg))
            return FALSE;
          base *= kg;
        }
      if (unit.dimension == MAR_DIMENSION_VOLUME)
        {
          *ml = base;
          return TRUE;
        }
      if (rate_ingredient (rc, unit.dimension, &per_ml) != NULL && per_ml > 0)
        {
          *ml = base / per_ml;
          return TRUE;
        }
      return FALSE;
    }
  if (rc->have_volume)
    {
      *ml = rc->volume_ml;
      return TRUE;
    }
  return FALSE;
}

/* The ordered rate in mL/h (RULES.md, RATE_MISMATCH): an ordered rate or
 * range; dose-rate units converted with the bag's concentration and the
 * latest weight; or a dose over a duration. FALSE when there is none or it
 * cannot be worked out (then *reason says why, or is NULL). */
static gboolean
ordered_rate (RateCheck   *rc,
              double      *low,
              double      *high,
              char       **explanation,
              const char **reason)
{
  const MarOrder *order = rc->facts->order;
  MarUnit unit, high_unit;
  double base, base_high, kg = 1, per_ml;

  *reason = NULL;
  *explanation = NULL;

  if (order->rate.set)
    {
      if (!mar_quantity_to_base (&order->rate, &unit, &base))
        {
          *reason = _("the ordered rate is in a unit this terminal cannot read");
          return FALSE;
        }
      base_high = base;
      if (order->rate_high.set && mar_quantity_to_base (&order->rate_high, &high_unit, &base_high) &&
          mar_unit_is_compatible (&unit, &high_unit))
        base_high = MAX (base_high, base);
      else
        base_high = base;

      if (unit.dimension == MAR_DIMENSION_TIME && unit.per_time == 0)
        {
          /* A rate given as a duration ("over 20 min"): the dose over it. */
          double ml;

          if (!dose_volume (rc, &ml))
            {
              *reason = _("the dose's volume cannot be worked out from the bag");
              return FALSE;
            }
          *low = ml / base_high * HOUR;
          *high = ml / base * HOUR;
          return TRUE;
        }
      if (!mar_unit_is_rate (&unit))
        {
          *reason = _("the ordered rate is in a unit this terminal cannot read");
          return FALSE;
        }
      if (unit.per_kg && !rate_weight (rc, &kg))
        return FALSE;
      if (unit.dimension == MAR_DIMENSION_VOLUME)
        {
          *low = base * kg * HOUR;
          *high = base_high * kg * HOUR;
        }
      else
        {
          if (rate_ingredient (rc, unit.dimension, &per_ml) == NULL || per_ml <= 0)
            {
              *reason = _("the bag's concentration is not known, so the ordered dose rate cannot be turned into mL/h");
              return FALSE;
            }
          *low = base * kg / per_ml * HOUR;
          *high = base_high * kg / per_ml * HOUR;
          {
            g_autofree char *ordered = mar_quantity_format (order->rate.value, order->rate.unit);
            MarUnit conc = per_ml_unit (&unit);
            g_autofree char *conc_text = mar_quantity_format_base (per_ml, &conc);
            if (unit.per_kg)
              {
                g_autofree char *kg_text = mar_quantity_format_value (kg);
                *explanation = g_strdup_printf (_("%s for %s kg at %s"), ordered, kg_text, conc_text);
              }
            else
              *explanation = g_strdup_printf (_("%s at %s"), ordered, conc_text);
          }
        }
      return TRUE;
    }

  if (order->duration > 0)
    {
      gint64 duration = period_seconds (order->duration, order->duration_unit);
      double ml;

      if (duration <= 0)
        {
          *reason = _("the ordered duration is in a unit this terminal cannot read");
          return FALSE;
        }
      if (!dose_volume (rc, &ml))
        {
          *reason = _("the dose's volume cannot be worked out from the bag");
          return FALSE;
        }
      *low = *high = ml / (double) duration * HOUR;
      {
        g_autofree char *over = format_duration (duration);
        g_autofree char *volume = mar_quantity_format (ml, "mL");
        *explanation = g_strdup_printf (_("%s over %s"), volume, over);
      }
      return TRUE;
    }
  return FALSE;
}

static void
check_rate_limits (RateCheck *rc)
{
  const MarRateFacts *facts = rc->facts;
  double entered = facts->rate_ml_per_h;

  for (guint i = 0; i < rc->set.n; i++)
    {
      const Ingredient *ing = &rc->set.items[i];
      const MarRateLimit *limit = mar_drug_library_get_rate_limit (facts->library, ing->system, ing->code);
      MarUnit unit;
      double per_second, kg = 1, value;
      g_autofree char *name = NULL;
      g_autofree char *value_text = NULL;

      if (limit == NULL)
        continue;
      if (limit->unit.dimension == MAR_DIMENSION_VOLUME)
        per_second = entered / HOUR;
      else
        {
          double per_ml;

          /* Dose-error reduction needs the bag's concentration. */
          if (!ingredient_concentration (ing, &unit, &per_ml) || unit.dimension != limit->unit.dimension)
            continue;
          per_second = entered / HOUR * per_ml;
        }
      if (limit->unit.per_kg)
        {
          if (!rate_weight (rc, &kg))
            continue;
          per_second /= kg;
        }
      value = mar_unit_from_base (&limit->unit, per_second);
      name = capitalize (ing->display != NULL ? ing->display : ing->code);
      value_text = mar_quantity_format (value, limit->unit_code);

      if (limit->has_hard_high && mar_quantity_compare_values (value, limit->hard_high) > 0)
        {
          g_autofree char *l = mar_quantity_format (limit->hard_high, limit->unit_code);
          add_finding (rc->verdict, MAR_SEVERITY_BLOCK, MAR_RIGHT_DOSE, RATE_ABOVE_HARD_LIMIT,
                       g_strdup_printf (_("%s %s at this rate — above the hard limit of %s"), name, value_text, l));
        }
      else if (limit->has_soft_high && mar_quantity_compare_values (value, limit->soft_high) > 0)
        {
          g_autofree char *l = mar_quantity_format (limit->soft_high, limit->unit_code);
          add_finding (rc->verdict, MAR_SEVERITY_WARN, MAR_RIGHT_DOSE, RATE_ABOVE_SOFT_LIMIT,
                       g_strdup_printf (_("%s %s at this rate — above the usual limit of %s"), name, value_text, l));
        }
      else if (limit->has_soft_low && mar_quantity_compare_values (value, limit->soft_low) < 0)
        {
          g_autofree char *l = mar_quantity_format (limit->soft_low, limit->unit_code);
          add_finding (rc->verdict, MAR_SEVERITY_WARN, MAR_RIGHT_DOSE, RATE_BELOW_SOFT_LIMIT,
                       g_strdup_printf (_("%s %s at this rate — below the usual lower limit of %s"),
                                        name, value_text, l));
        }
    }
}

MarVerdict *
mar_verify_rate (const MarRateFacts *facts)
{
  RateCheck rc = { 0 };
  double low, high, tolerance;
  const char *reason = NULL;
  g_autofree char *explanation = NULL;

  g_return_val_if_fail (facts != NULL, NULL);
  g_return_val_if_fail (facts->library != NULL, NULL);
  g_return_val_if_fail (facts->order != NULL, NULL);
  g_return_val_if_fail (facts->product != NULL, NULL);
  g_return_val_if_fail (facts->rate_ml_per_h >= 0, NULL);

  rc.facts = facts;
  rc.verdict = verdict_new (facts->library);
  rc.verdict->order_id = g_strdup (facts->order->id);
  rc.verdict->product_id = g_strdup (facts->product->id);
  product_ingredients (facts->product, facts->library, &rc.set);
  rc.have_volume = container_volume (facts->product, facts->dispense, &rc.volume_ml);
  rc.weight = patient_weight (facts->patient, facts->library, facts->now, &rc.weight_kg);

  if (ordered_rate (&rc, &low, &high, &explanation, &reason))
    {
      rc.verdict->has_ordered_rate = TRUE;
      rc.verdict->rate_low = low;
      rc.verdict->rate_high = high;
      tolerance = mar_drug_library_get_rate_tolerance (facts->library);

      if (mar_quantity_compare_values (facts->rate_ml_per_h, low - tolerance) < 0 ||
          mar_quantity_compare_values (facts->rate_ml_per_h, high + tolerance) > 0)
        {
          g_autofree char *entered = mar_quantity_format (facts->rate_ml_per_h, "mL/h");
          g_autofree char *ordered = NULL;

          if (mar_quantity_values_equal (low, high))
            ordered = mar_quantity_format (low, "mL/h");
          else
            {
              g_autofree char *l = mar_quantity_format_value (low);
              g_autofree char *h = mar_quantity_format (high, "mL/h");
              ordered = g_strdup_printf ("%s–%s", l, h);
            }
          add_finding (rc.verdict, MAR_SEVERITY_WARN, MAR_RIGHT_DOSE, RATE_MISMATCH,
                       explanation != NULL
                       ? g_strdup_printf (_("Rate %s — ordered %s (%s)"), entered, ordered, explanation)
                       : g_strdup_printf (_("Rate %s — ordered %s"), entered, ordered));
        }
    }
  else if (reason != NULL)
    add_finding (rc.verdict, MAR_SEVERITY_WARN, MAR_RIGHT_DOSE, RATE_MISMATCH,
                 g_strdup_printf (_("The rate cannot be checked against the order: %s"), reason));

  check_rate_limits (&rc);
  return verdict_finish (rc.verdict);
}

void
mar_verify_get_due_window (const MarOrder       *order,
                           GPtrArray            *order_products,
                           const MarDrugLibrary *library,
                           GTimeZone            *time_zone,
                           MarSchedule          *schedule,
                           MarDueWindow         *window)
{
  MarVerifyFacts facts = { 0 };
  IngredientSet set;

  g_return_if_fail (order != NULL && library != NULL && time_zone != NULL);
  g_return_if_fail (schedule != NULL && window != NULL);

  /* The same resolution and window as a scan of this order gets
   * (candidate_evaluate), so a dose the shift log calls missed is one the
   * verifier would have called late. */
  facts.library = library;
  facts.time_zone = time_zone;
  facts.order_products = order_products;
  order_ingredients (order, &facts, &set);
  mar_schedule_init (schedule, order, time_zone);
  mar_schedule_get_window (schedule, mar_drug_library_get_time_windows (library),
                           order_time_critical (order, &set, library), window);
}
