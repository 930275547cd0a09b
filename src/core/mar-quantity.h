/* mar-quantity.h — UCUM units of IV therapy: parse, convert, compare, show
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What an IV order, a product label or a pump speaks in: mass (kg, g, mg,
 * mcg/ug, ng), volume (L, dL, mL), units ([iU], [IU], U, unit(s): one
 * dimension, RULES.md: "[iU]/U"), milliequivalents (mEq/meq), amount of
 * substance (mmol), counts ("1", annotations such as "{vial}"), and
 * compositions of those over body weight (/kg), over a volume (a
 * concentration, mEq/mL) and over time (/h, /min, /d, /s).
 *
 * A unit parses into a MarUnit: the dimension of its numerator, the factor
 * to that dimension's base unit (g, mL, unit, mEq, mmol, count, s), and its
 * denominators. Two quantities compare only when their units are
 * compatible (same dimension, same denominators); values compare with a
 * small relative tolerance that absorbs floating-point noise only
 * (MAR_QUANTITY_RELATIVE_EPSILON), never a clinical tolerance.
 *
 * Pure functions over plain values: no allocation except the formatted
 * strings, no locale (a decimal point is always '.').
 */

#pragma once

#include <glib.h>

#include "mar-model.h"

G_BEGIN_DECLS

/* Floating-point noise, not a clinical tolerance: 0.1 + 0.2 equals 0.3. */
#define MAR_QUANTITY_RELATIVE_EPSILON 1e-9

typedef enum
{
  MAR_DIMENSION_NONE = 0,    /* not a unit we understand */
  MAR_DIMENSION_MASS,        /* base: g */
  MAR_DIMENSION_VOLUME,      /* base: mL */
  MAR_DIMENSION_UNITS,       /* base: unit ([iU] and U are one dimension) */
  MAR_DIMENSION_EQUIVALENTS, /* base: mEq */
  MAR_DIMENSION_SUBSTANCE,   /* base: mmol */
  MAR_DIMENSION_COUNT,       /* base: 1 (a container, a dose, a tablet) */
  MAR_DIMENSION_TIME,        /* base: s */
} MarDimension;

/* A parsed unit: value × factor / (per_volume) / (per_time) is the value in
 * base units of "dimension [per kg] [per mL] [per s]". */
typedef struct
{
  MarDimension dimension;
  double       factor;      /* numerator unit in base units (mg: 0.001) */
  gboolean     per_kg;      /* "/kg": per kilogram of body weight */
  double       per_volume;  /* denominator volume in mL (mg/mL: 1), 0 if none */
  double       per_time;    /* denominator time in s (/h: 3600), 0 if none */
  /* For display: which symbols were used (indices into a private table). */
  guint8       symbol;
  guint8       volume_symbol;
  guint8       time_symbol;
} MarUnit;

gboolean  mar_unit_parse               (const char        *ucum,
                                        MarUnit           *unit);
/* Same dimension and the same kind of denominators: convertible. */
gboolean  mar_unit_is_compatible       (const MarUnit     *a,
                                        const MarUnit     *b);
double    mar_unit_to_base             (const MarUnit     *unit,
                                        double             value);
double    mar_unit_from_base           (const MarUnit     *unit,
                                        double             base_value);
/* A rate: a per-time denominator. A dose rate has a drug numerator (mass,
 * units, mEq, mmol); a volume rate has a volume numerator (mL/h). */
gboolean  mar_unit_is_rate             (const MarUnit     *unit);
/* "mcg/kg/min", "units/h", "mL/h", "mEq/mL": how people write it (ISMP:
 * "mcg", never "µg"; "units", never "U"). (transfer full) */
char     *mar_unit_dup_display         (const MarUnit     *unit);

/* @quantity converted into @ucum; FALSE when either does not parse or
 * they are not compatible. */
gboolean  mar_quantity_convert         (const MarQuantity *quantity,
                                        const char        *ucum,
                                        double            *value);
/* The quantity's value in base units, with its parsed unit. */
gboolean  mar_quantity_to_base         (const MarQuantity *quantity,
                                        MarUnit           *unit,
                                        double            *base_value);

/* -1, 0 or 1; equal within MAR_QUANTITY_RELATIVE_EPSILON. */
int       mar_quantity_compare_values  (double             a,
                                        double             b);
gboolean  mar_quantity_values_equal    (double             a,
                                        double             b);

/* "1.5", "0.375", "25,000", "12.6": at most six significant digits,
 * no trailing zeros, a leading zero before the point (ISMP). */
char     *mar_quantity_format_value    (double             value);
/* "1.5 g", "12 units/kg/h", "100 mL/h"; an unparsable unit is shown as
 * given. (transfer full) */
char     *mar_quantity_format          (double             value,
                                        const char        *ucum);
/* A value in base units of @unit's dimension and denominators, shown in
 * the unit people would choose: mass in g, mg or mcg so that the number is
 * at least 1 ("500 mg", not "0.5 g"), other dimensions in their base
 * unit. (transfer full) */
char     *mar_quantity_format_base     (double             base_value,
                                        const MarUnit     *unit);

G_END_DECLS
