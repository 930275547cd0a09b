/* mar-vocabulary.c — the fixed lists the record takes its reasons and codes from
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mar-vocabulary"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "mar-vocabulary.h"

#define OTHER { "other", N_("Other (explain in the comment)"), NULL }
#define PROVIDER_ORDER { "provider-order", N_("Provider ordered or approved it"), NULL }

static const MarTerm unable_to_scan[] = {
  { "damaged-wristband", N_("Wristband damaged or unreadable"), NULL },
  { "damaged-label", N_("Bag label damaged or unreadable"), NULL },
  { "no-barcode", N_("No barcode on the bag"), NULL },
  { "scanner-failure", N_("Scanner not working"), NULL },
};

static const MarTerm hold[] = {
  { "off-unit", N_("Patient off the unit"), NULL },
  { "procedure", N_("Procedure or test"), NULL },
  { "vital-signs", N_("Vital signs outside the ordered range"), NULL },
  { "lab-results", N_("Lab results (per order or protocol)"), NULL },
  { "provider-instruction", N_("Provider asked to hold it"), NULL },
  { "no-iv-access", N_("No IV access"), NULL },
  OTHER,
};

static const MarTerm refuse[] = {
  { "patient-declined", N_("Patient declined"), NULL },
  { "guardian-declined", N_("Family or guardian declined"), NULL },
  OTHER,
};

static const MarTerm missing[] = {
  { "not-delivered", N_("Not delivered by pharmacy"), NULL },
  { "not-found", N_("Not found on the unit"), NULL },
  OTHER,
};

static const MarTerm not_given[] = {
  { "order-changed", N_("Order changed or stopped"), NULL },
  { "patient-discharged", N_("Patient discharged or transferred"), NULL },
  { "no-iv-access", N_("No IV access"), NULL },
  { "medication-unavailable", N_("Medication not available"), NULL },
  { "clinical-decision", N_("Clinical decision with the provider"), NULL },
  OTHER,
};

static const MarTerm stop[] = {
  { "reaction", N_("Infusion reaction"), NULL },
  { "site-complication", N_("IV site complication"), NULL },
  { "procedure", N_("Procedure or test"), NULL },
  { "line-change", N_("IV line or site change"), NULL },
  { "provider-instruction", N_("Provider asked to stop it"), NULL },
  { "patient-request", N_("Patient asked to stop"), NULL },
  OTHER,
};

static const MarTerm pause[] = {
  { "patient-care", N_("Patient care (moving, bathing, procedure)"), NULL },
  { "occlusion", N_("Pump alarm or occlusion"), NULL },
  { "reaction", N_("Infusion reaction"), NULL },
  { "site-complication", N_("IV site complication"), NULL },
  { "provider-instruction", N_("Provider asked to pause it"), NULL },
  OTHER,
};

static const MarTerm rate_change[] = {
  { "titration-protocol", N_("Titration per protocol"), NULL },
  PROVIDER_ORDER,
  { "reaction", N_("Infusion reaction"), NULL },
  { "site-complication", N_("IV site complication"), NULL },
  { "patient-condition", N_("Patient's condition"), NULL },
  OTHER,
};

static const MarTerm correction[] = {
  { "wrong-patient", N_("Documented on the wrong patient"), NULL },
  { "wrong-bag", N_("Wrong bag documented"), NULL },
  { "wrong-time", N_("Wrong time documented"), NULL },
  { "wrong-volume", N_("Wrong volume documented"), NULL },
  { "wrong-rate", N_("Wrong rate documented"), NULL },
  { "wrong-action", N_("Wrong action documented"), NULL },
  { "duplicate", N_("Documented twice"), NULL },
  OTHER,
};

static const MarTerm keep_running[] = {
  { "provider-instruction", N_("Provider asked to continue the infusion"), NULL },
  { "benefit-outweighs-risk", N_("Benefit outweighs the risk (agreed with the provider)"), NULL },
  OTHER,
};

/* SNOMED CT findings and disorders only where the concept is certain;
 * the others travel with their text and our own code. */
static const MarTerm reaction_kind[] = {
  { "fever", N_("Fever"), "386661006" },
  { "chills", N_("Chills"), "43724002" },
  { "rigors", N_("Rigors"), "38880002" },
  { "flushing", N_("Flushing"), NULL },
  { "rash", N_("Rash"), "271807003" },
  { "urticaria", N_("Urticaria (hives)"), "126485001" },
  { "itching", N_("Itching"), "418290006" },
  { "dyspnea", N_("Shortness of breath"), "267036007" },
  { "wheeze", N_("Wheeze"), "56018004" },
  { "hypotension", N_("Low blood pressure"), "45007003" },
  { "tachycardia", N_("Fast heart rate"), "3424008" },
  { "nausea", N_("Nausea"), "422587007" },
  { "anaphylaxis", N_("Anaphylaxis"), "39579001" },
};

static const MarTerm site_finding[] = {
  { "infiltration", N_("Infiltration"), NULL },
  { "extravasation", N_("Extravasation"), NULL },
  { "phlebitis", N_("Phlebitis"), NULL },
  { "redness", N_("Redness"), "247441003" },
  { "swelling", N_("Swelling"), "65124004" },
  { "pain", N_("Pain at the site"), "22253000" },
  { "discharge", N_("Discharge at the site"), NULL },
};

static const MarTerm severity[] = {
  { "mild", N_("Mild"), NULL },
  { "moderate", N_("Moderate"), NULL },
  { "severe", N_("Severe"), NULL },
  { "life-threatening", N_("Life-threatening"), NULL },
};

static const MarTerm reaction_action[] = {
  { "slowed", N_("Infusion slowed"), NULL },
  { "paused", N_("Infusion paused"), NULL },
  { "stopped", N_("Infusion stopped"), NULL },
  { "provider-notified", N_("Provider notified"), NULL },
  { "medication-given", N_("Medication given"), NULL },
};

/* http://terminology.hl7.org/CodeSystem/adverse-event-outcome (FHIR R4). */
static const MarTerm reaction_outcome[] = {
  { "resolved", N_("Resolved"), NULL },
  { "recovering", N_("Recovering"), NULL },
  { "ongoing", N_("Ongoing"), NULL },
  { "resolvedWithSequelae", N_("Resolved with lasting effects"), NULL },
  { "fatal", N_("Fatal"), NULL },
  { "unknown", N_("Unknown"), NULL },
};

/* Override reasons, per warning code (RULES.md severities "warn"). */
static const MarTerm override_general[] = {
  PROVIDER_ORDER,
  OTHER,
};

static const MarTerm override_time_early[] = {
  { "patient-leaving-unit", N_("Patient leaving the unit (test, procedure)"), NULL },
  { "schedule-adjusted", N_("Schedule adjusted with pharmacy or the provider"), NULL },
  PROVIDER_ORDER,
  OTHER,
};

static const MarTerm override_time_late[] = {
  { "patient-off-unit", N_("Patient was off the unit"), NULL },
  { "patient-unavailable", N_("Patient unavailable (procedure, bathing)"), NULL },
  { "medication-unavailable", N_("Medication not yet available from pharmacy"), NULL },
  { "iv-access-delay", N_("Waiting for IV access"), NULL },
  { "emergency-elsewhere", N_("Nurse attending an emergency"), NULL },
  PROVIDER_ORDER,
  OTHER,
};

static const MarTerm override_dose_partial[] = {
  { "remaining-container-follows", N_("The rest of the dose follows in another container"), NULL },
  PROVIDER_ORDER,
  OTHER,
};

static const MarTerm override_rate[] = {
  { "titration-protocol", N_("Titration per protocol"), NULL },
  PROVIDER_ORDER,
  { "patient-condition", N_("Patient's condition (documented)"), NULL },
  OTHER,
};

static const MarTerm override_prn_too_soon[] = {
  PROVIDER_ORDER,
  { "patient-condition", N_("Patient's condition (documented)"), NULL },
  OTHER,
};

static const MarTerm override_allergy[] = {
  { "provider-aware", N_("Provider aware; order confirmed"), NULL },
  { "tolerated-before", N_("Patient has tolerated this drug before"), NULL },
  { "premedicated", N_("Premedicated per order"), NULL },
  OTHER,
};

static const MarTerm override_allergy_unverified[] = {
  { "allergy-reviewed", N_("Allergy reviewed with the patient or family: not to this drug"), NULL },
  { "provider-aware", N_("Provider aware; order confirmed"), NULL },
  OTHER,
};

static const MarTerm override_cache_stale[] = {
  { "orders-checked", N_("Orders checked on the hospital system"), NULL },
  { "emergency", N_("Emergency: cannot wait for the sync"), NULL },
  OTHER,
};

static const MarTerm override_clock_skew[] = {
  { "clock-checked", N_("Terminal clock checked against a reliable clock"), NULL },
  OTHER,
};

#define LIST(array) { array, G_N_ELEMENTS (array) }
#define TERMS(array) array, G_N_ELEMENTS (array)

static const struct
{
  const MarTerm *terms;
  guint          n_terms;
} lists[MAR_VOCABULARY_N_LISTS] = {
  [MAR_VOCABULARY_UNABLE_TO_SCAN] = LIST (unable_to_scan),
  [MAR_VOCABULARY_HOLD] = LIST (hold),
  [MAR_VOCABULARY_REFUSE] = LIST (refuse),
  [MAR_VOCABULARY_MISSING] = LIST (missing),
  [MAR_VOCABULARY_NOT_GIVEN] = LIST (not_given),
  [MAR_VOCABULARY_STOP] = LIST (stop),
  [MAR_VOCABULARY_PAUSE] = LIST (pause),
  [MAR_VOCABULARY_RATE_CHANGE] = LIST (rate_change),
  [MAR_VOCABULARY_CORRECTION] = LIST (correction),
  [MAR_VOCABULARY_KEEP_RUNNING] = LIST (keep_running),
  [MAR_VOCABULARY_REACTION_KIND] = LIST (reaction_kind),
  [MAR_VOCABULARY_SITE_FINDING] = LIST (site_finding),
  [MAR_VOCABULARY_SEVERITY] = LIST (severity),
  [MAR_VOCABULARY_REACTION_ACTION] = LIST (reaction_action),
  [MAR_VOCABULARY_REACTION_OUTCOME] = LIST (reaction_outcome),
};

static const char * const list_names[MAR_VOCABULARY_N_LISTS] = {
  [MAR_VOCABULARY_UNABLE_TO_SCAN] = "unable-to-scan",
  [MAR_VOCABULARY_HOLD] = "hold",
  [MAR_VOCABULARY_REFUSE] = "refuse",
  [MAR_VOCABULARY_MISSING] = "missing",
  [MAR_VOCABULARY_NOT_GIVEN] = "not-given",
  [MAR_VOCABULARY_STOP] = "stop",
  [MAR_VOCABULARY_PAUSE] = "pause",
  [MAR_VOCABULARY_RATE_CHANGE] = "rate-change",
  [MAR_VOCABULARY_CORRECTION] = "correction",
  [MAR_VOCABULARY_KEEP_RUNNING] = "keep-running",
  [MAR_VOCABULARY_REACTION_KIND] = "reaction-kind",
  [MAR_VOCABULARY_SITE_FINDING] = "site-finding",
  [MAR_VOCABULARY_SEVERITY] = "severity",
  [MAR_VOCABULARY_REACTION_ACTION] = "reaction-action",
  [MAR_VOCABULARY_REACTION_OUTCOME] = "reaction-outcome",
};

static const struct
{
  const char    *warning_code;
  const MarTerm *terms;
  guint          n_terms;
} override_lists[] = {
  { "TIME_EARLY", TERMS (override_time_early) },
  { "TIME_LATE", TERMS (override_time_late) },
  { "DOSE_PARTIAL", TERMS (override_dose_partial) },
  { "RATE_MISMATCH", TERMS (override_rate) },
  { "RATE_ABOVE_SOFT_LIMIT", TERMS (override_rate) },
  { "RATE_BELOW_SOFT_LIMIT", TERMS (override_rate) },
  { "PRN_TOO_SOON", TERMS (override_prn_too_soon) },
  { "ALLERGY", TERMS (override_allergy) },
  { "ALLERGY_UNVERIFIED", TERMS (override_allergy_unverified) },
  { "CACHE_STALE", TERMS (override_cache_stale) },
  { "CLOCK_SKEW", TERMS (override_clock_skew) },
};

static const MarTerm *
find_term (const MarTerm *terms,
           guint          n_terms,
           const char    *code)
{
  if (code == NULL)
    return NULL;
  for (guint i = 0; i < n_terms; i++)
    if (g_str_equal (terms[i].code, code))
      return &terms[i];
  return NULL;
}

const MarTerm *
mar_vocabulary_get (MarVocabulary  vocabulary,
                    guint         *n_terms)
{
  g_return_val_if_fail ((guint) vocabulary < MAR_VOCABULARY_N_LISTS, NULL);
  g_return_val_if_fail (n_terms != NULL, NULL);

  *n_terms = lists[vocabulary].n_terms;
  return lists[vocabulary].terms;
}

const MarTerm *
mar_vocabulary_lookup (MarVocabulary  vocabulary,
                       const char    *code)
{
  g_return_val_if_fail ((guint) vocabulary < MAR_VOCABULARY_N_LISTS, NULL);

  return find_term (lists[vocabulary].terms, lists[vocabulary].n_terms, code);
}

const char *
mar_vocabulary_to_string (MarVocabulary vocabulary)
{
  g_return_val_if_fail ((guint) vocabulary < MAR_VOCABULARY_N_LISTS, NULL);
  return list_names[vocabulary];
}

const MarTerm *
mar_vocabulary_override_reasons (const char *warning_code,
                                 guint      *n_terms)
{
  g_return_val_if_fail (n_terms != NULL, NULL);

  for (guint i = 0; warning_code != NULL && i < G_N_ELEMENTS (override_lists); i++)
    if (g_str_equal (override_lists[i].warning_code, warning_code))
      {
        *n_terms = override_lists[i].n_terms;
        return override_lists[i].terms;
      }
  *n_terms = G_N_ELEMENTS (override_general);
  return override_general;
}

const MarTerm *
mar_vocabulary_lookup_override (const char *warning_code,
                                const char *reason)
{
  guint n_terms;
  const MarTerm *terms = mar_vocabulary_override_reasons (warning_code, &n_terms);

  return find_term (terms, n_terms, reason);
}

gboolean
mar_term_needs_comment (const MarTerm *term)
{
  g_return_val_if_fail (term != NULL, FALSE);
  return g_str_equal (term->code, "other");
}

const char *
mar_term_get_label (const MarTerm *term)
{
  g_return_val_if_fail (term != NULL, NULL);
  return _(term->label);
}

gboolean
mar_severity_stops_infusion (const char *severity)
{
  return g_strcmp0 (severity, "severe") == 0 || g_strcmp0 (severity, "life-threatening") == 0;
}
