/* mar-vocabulary.h — the fixed lists the record takes its reasons and codes from
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * RULES.md: a warning goes on only with "a reason from a list plus an
 * optional comment"; holds, refusals, stops and corrections each carry a
 * reason too. The lists are fixed in code (not a setting), so that the
 * variance log and the shift log can count them across terminals and
 * years. Codes are stable identifiers (they go into the record, the hash
 * chain and FHIR); labels are translated for people.
 *
 * The reason "other" is in every reason list and needs a comment.
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  MAR_VOCABULARY_UNABLE_TO_SCAN = 0, /* RULES.md: damaged wristband, damaged label, no barcode, scanner failure */
  MAR_VOCABULARY_HOLD,               /* why a bag is held */
  MAR_VOCABULARY_REFUSE,             /* why it was refused */
  MAR_VOCABULARY_MISSING,            /* why it is missing */
  MAR_VOCABULARY_NOT_GIVEN,          /* why it was not given */
  MAR_VOCABULARY_STOP,               /* why an infusion was stopped */
  MAR_VOCABULARY_PAUSE,              /* why it was paused */
  MAR_VOCABULARY_RATE_CHANGE,        /* why its rate changed */
  MAR_VOCABULARY_CORRECTION,         /* why an entry was entered in error */
  MAR_VOCABULARY_KEEP_RUNNING,       /* why a severe reaction did not stop the infusion */
  MAR_VOCABULARY_REACTION_KIND,      /* infusion reactions (AdverseEvent.event) */
  MAR_VOCABULARY_SITE_FINDING,       /* IV site complications (AdverseEvent.event, site check findings) */
  MAR_VOCABULARY_SEVERITY,           /* mild, moderate, severe, life-threatening */
  MAR_VOCABULARY_REACTION_ACTION,    /* what the nurse did */
  MAR_VOCABULARY_REACTION_OUTCOME,   /* FHIR adverse-event-outcome codes */
  MAR_VOCABULARY_N_LISTS,
} MarVocabulary;

typedef struct
{
  const char *code;     /* stable: stored in the record */
  const char *label;    /* English; mar_term_get_label() translates */
  const char *snomed;   /* SNOMED CT concept for reaction kinds and site findings, or NULL */
} MarTerm;

/* The terms of a list, in display order; @n_terms receives their number. */
const MarTerm  *mar_vocabulary_get             (MarVocabulary  vocabulary,
                                                guint         *n_terms);
/* The term with @code in the list, or NULL. */
const MarTerm  *mar_vocabulary_lookup          (MarVocabulary  vocabulary,
                                                const char    *code);
/* The list's name as marctl and docs show it ("hold", "reaction-kind"). */
const char     *mar_vocabulary_to_string       (MarVocabulary  vocabulary);

/* The override reasons allowed for a warning code (TIME_LATE,
 * RATE_MISMATCH...): its own list, or the general one (provider order,
 * other) for a warning without its own. */
const MarTerm  *mar_vocabulary_override_reasons (const char   *warning_code,
                                                 guint        *n_terms);
const MarTerm  *mar_vocabulary_lookup_override  (const char   *warning_code,
                                                 const char   *reason);

/* TRUE for reasons that need a comment ("other"). */
gboolean        mar_term_needs_comment         (const MarTerm *term);
/* The label in the user's language. */
const char     *mar_term_get_label             (const MarTerm *term);

/* TRUE for a reaction or site finding severity that stops the infusion
 * unless the nurse keeps it running with a reason (issue 4: severe or
 * life-threatening). */
gboolean        mar_severity_stops_infusion    (const char    *severity);

G_END_DECLS
