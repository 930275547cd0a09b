/* mar-quantity.c — UCUM units of IV therapy: parse, convert, compare, show
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mar-quantity"

#include "config.h"

#include <math.h>
#include <string.h>

#include "mar-quantity.h"

typedef struct
{
  const char   *symbol;
  const char   *display;
  MarDimension  dimension;
  double        factor;
} UnitSymbol;

/* Index 0 is unity (a count). The case-sensitive UCUM symbols come first;
 * the rest are spellings that real interfaces send for the same unit and
 * that cannot be mistaken for another (ISMP lists "U" and "µg" as
 * error-prone when handwritten; as codes they are unambiguous, but we
 * never show them). */
static const UnitSymbol symbols[] = {
  { "",        "",      MAR_DIMENSION_COUNT,       1.0 },
  { "kg",      "kg",    MAR_DIMENSION_MASS,        1000.0 },
  { "g",       "g",     MAR_DIMENSION_MASS,        1.0 },
  { "mg",      "mg",    MAR_DIMENSION_MASS,        1e-3 },
  { "ug",      "mcg",   MAR_DIMENSION_MASS,        1e-6 },
  { "mcg",     "mcg",   MAR_DIMENSION_MASS,        1e-6 },
  { "ng",      "ng",    MAR_DIMENSION_MASS,        1e-9 },
  { "[lb_av]", "lb",    MAR_DIMENSION_MASS,        453.59237 },
  { "L",       "L",     MAR_DIMENSION_VOLUME,      1000.0 },
  { "l",       "L",     MAR_DIMENSION_VOLUME,      1000.0 },
  { "dL",      "dL",    MAR_DIMENSION_VOLUME,      100.0 },
  { "dl",      "dL",    MAR_DIMENSION_VOLUME,      100.0 },
  { "mL",      "mL",    MAR_DIMENSION_VOLUME,      1.0 },
  { "ml",      "mL",    MAR_DIMENSION_VOLUME,      1.0 },
  { "[iU]",    "units", MAR_DIMENSION_UNITS,       1.0 },
  { "[IU]",    "units", MAR_DIMENSION_UNITS,       1.0 },
  { "U",       "units", MAR_DIMENSION_UNITS,       1.0 },
  { "IU",      "units", MAR_DIMENSION_UNITS,       1.0 },
  { "unit",    "units", MAR_DIMENSION_UNITS,       1.0 },
  { "units",   "units", MAR_DIMENSION_UNITS,       1.0 },
  { "meq",     "mEq",   MAR_DIMENSION_EQUIVALENTS, 1.0 },
  { "mEq",     "mEq",   MAR_DIMENSION_EQUIVALENTS, 1.0 },
  { "eq",      "Eq",    MAR_DIMENSION_EQUIVALENTS, 1000.0 },
  { "Eq",      "Eq",    MAR_DIMENSION_EQUIVALENTS, 1000.0 },
  { "mmol",    "mmol",  MAR_DIMENSION_SUBSTANCE,   1.0 },
  { "mol",     "mol",   MAR_DIMENSION_SUBSTANCE,   1000.0 },
  { "umol",    "micromol", MAR_DIMENSION_SUBSTANCE, 1e-3 },
  { "s",       "s",     MAR_DIMENSION_TIME,        1.0 },
  { "min",     "min",   MAR_DIMENSION_TIME,        60.0 },
  { "h",       "h",     MAR_DIMENSION_TIME,        3600.0 },
  { "hr",      "h",     MAR_DIMENSION_TIME,        3600.0 },
  { "d",       "day",   MAR_DIMENSION_TIME,        86400.0 },
  { "wk",      "week",  MAR_DIMENSION_TIME,        604800.0 },
};

#define SYMBOL_UNITY 0
#define SYMBOL_KG    1
#define SYMBOL_G     2
#define SYMBOL_MG    3
#define SYMBOL_MCG   5
#define SYMBOL_ML    12

static int
find_symbol (const char *s,
             gsize       len)
{
  for (guint i = 1; i < G_N_ELEMENTS (symbols); i++)
    if (strlen (symbols[i].symbol) == len && memcmp (symbols[i].symbol, s, len) == 0)
      return (int) i;
  return -1;
}

/* One UCUM term: a symbol (or "[...]" or "1"), an optional integer
 * exponent, an optional annotation "{...}" (ignored, UCUM 2.4). A term
 * that is only an annotation is unity. */
static gboolean
parse_term (const char **p,
            int         *symbol,
            int         *exponent)
{
  const char *s = *p;
  const char *start = s;
  gsize len;

  *symbol = SYMBOL_UNITY;
  *exponent = 1;

  if (*s == '[')
    {
      while (*s != '\0' && *s != ']')
        s++;
      if (*s != ']')
        return FALSE;
      s++;
    }
  else if (*s == '1' && (s[1] == '\0' || s[1] == '/' || s[1] == '.' || s[1] == '{'))
    {
      s++;
      start = s; /* unity */
    }
  else
    {
      while (g_ascii_isalpha (*s) || *s == '_')
        s++;
    }
  len = (gsize) (s - start);

  if (len > 0)
    {
      int exp_sign = 1, exp = 0;
      gboolean has_exp = FALSE;

      *symbol = find_symbol (start, len);
      if (*symbol < 0)
        return FALSE;

      if (*s == '-' || *s == '+')
        {
          exp_sign = *s == '-' ? -1 : 1;
          s++;
          if (!g_ascii_isdigit (*s))
            return FALSE;
        }
      while (g_ascii_isdigit (*s))
        {
          exp = exp * 10 + (*s - '0');
          has_exp = TRUE;
          s++;
          if (exp > 9)
            return FALSE;
        }
      if (has_exp)
        *exponent = exp_sign * exp;
    }

  if (*s == '{')
    {
      while (*s != '\0' && *s != '}')
        s++;
      if (*s != '}')
        return FALSE;
      s++;
    }
  else if (len == 0 && s == *p)
    return FALSE; /* nothing at all */

  *p = s;
  return TRUE;
}

gboolean
mar_unit_parse (const char *ucum,
                MarUnit    *unit)
{
  MarUnit u = { 0 };
  gboolean have_numerator = FALSE;
  int sign = 1;
  const char *s;
  char trimmed[64];
  gsize len;

  g_return_val_if_fail (unit != NULL, FALSE);

  if (ucum == NULL)
    return FALSE;

  /* Trimmed into a stack buffer: this runs on the scan path. */
  while (g_ascii_isspace (*ucum))
    ucum++;
  len = strlen (ucum);
  while (len > 0 && g_ascii_isspace (ucum[len - 1]))
    len--;
  if (len >= sizeof trimmed)
    return FALSE;
  memcpy (trimmed, ucum, len);
  trimmed[len] = '\0';
  s = trimmed;

  u.dimension = MAR_DIMENSION_COUNT;
  u.factor = 1.0;
  u.symbol = SYMBOL_UNITY;

  if (*s == '\0')
    {
      *unit = u;
      return TRUE;
    }

  /* UCUM: "/" and "." are left-associative with equal precedence, so
   * "mg/kg/h" is mg·kg⁻¹·h⁻¹ and a leading "/h" is per hour. */
  if (*s == '/')
    {
      sign = -1;
      s++;
    }

  for (;;)
    {
      int symbol, exponent, effective;
      const UnitSymbol *entry;

      if (!parse_term (&s, &symbol, &exponent))
        return FALSE;

      effective = sign * exponent;
      entry = &symbols[symbol];

      if (symbol != SYMBOL_UNITY)
        {
          if (effective == 1)
            {
              if (have_numerator)
                return FALSE;
              have_numerator = TRUE;
              u.dimension = entry->dimension;
              u.factor = entry->factor;
              u.symbol = (guint8) symbol;
            }
          else if (effective == -1)
            {
              if (symbol == SYMBOL_KG)
                {
                  if (u.per_kg)
                    return FALSE;
                  u.per_kg = TRUE;
                }
              else if (entry->dimension == MAR_DIMENSION_TIME)
                {
                  if (u.per_time != 0)
                    return FALSE;
                  u.per_time = entry->factor;
                  u.time_symbol = (guint8) symbol;
                }
              else if (entry->dimension == MAR_DIMENSION_VOLUME)
                {
                  if (u.per_volume != 0)
                    return FALSE;
                  u.per_volume = entry->factor;
                  u.volume_symbol = (guint8) symbol;
                }
              else
                return FALSE;
            }
          else
            return FALSE;
        }

      if (*s == '\0')
        break;
      if (*s == '/')
        sign = -1;
      else if (*s == '.')
        sign = 1;
      else
        return FALSE;
      s++;
    }

  /* A time over a time, a volume over a volume: not something we meet. */
  if ((u.dimension == MAR_DIMENSION_TIME && u.per_time != 0) ||
      (u.dimension == MAR_DIMENSION_VOLUME && u.per_volume != 0))
    return FALSE;

  *unit = u;
  return TRUE;
}

gboolean
mar_unit_is_compatible (const MarUnit *a,
                        const MarUnit *b)
{
  g_return_val_if_fail (a != NULL && b != NULL, FALSE);

  return a->dimension != MAR_DIMENSION_NONE &&
         a->dimension == b->dimension &&
         a->per_kg == b->per_kg &&
         (a->per_volume != 0) == (b->per_volume != 0) &&
         (a->per_time != 0) == (b->per_time != 0);
}

double
mar_unit_to_base (const MarUnit *unit,
                  double         value)
{
  double v;

  g_return_val_if_fail (unit != NULL, 0);

  v = value * unit->factor;
  if (unit->per_volume != 0)
    v /= unit->per_volume;
  if (unit->per_time != 0)
    v /= unit->per_time;
  return v;
}

double
mar_unit_from_base (const MarUnit *unit,
                    double         base_value)
{
  double v;

  g_return_val_if_fail (unit != NULL, 0);

  v = base_value / unit->factor;
  if (unit->per_volume != 0)
    v *= unit->per_volume;
  if (unit->per_time != 0)
    v *= unit->per_time;
  return v;
}

gboolean
mar_unit_is_rate (const MarUnit *unit)
{
  g_return_val_if_fail (unit != NULL, FALSE);

  return unit->per_time != 0 &&
         unit->per_volume == 0 &&
         unit->dimension != MAR_DIMENSION_NONE &&
         unit->dimension != MAR_DIMENSION_TIME;
}

static char *
display_with_numerator (const MarUnit *unit,
                        const char    *numerator)
{
  GString *s = g_string_new (numerator);

  if (unit->per_kg)
    g_string_append (s, "/kg");
  if (unit->per_volume != 0)
    g_string_append_printf (s, "/%s", symbols[unit->volume_symbol].display);
  if (unit->per_time != 0)
    g_string_append_printf (s, "/%s", symbols[unit->time_symbol].display);
  return g_string_free (s, FALSE);
}

char *
mar_unit_dup_display (const MarUnit *unit)
{
  g_return_val_if_fail (unit != NULL, NULL);

  return display_with_numerator (unit, symbols[unit->symbol].display);
}

gboolean
mar_quantity_to_base (const MarQuantity *quantity,
                      MarUnit           *unit,
                      double            *base_value)
{
  MarUnit u;

  g_return_val_if_fail (quantity != NULL, FALSE);

  if (!quantity->set || !mar_unit_parse (quantity->unit, &u))
    return FALSE;
  if (unit != NULL)
    *unit = u;
  if (base_value != NULL)
    *base_value = mar_unit_to_base (&u, quantity->value);
  return TRUE;
}

gboolean
mar_quantity_convert (const MarQuantity *quantity,
                      const char        *ucum,
                      double            *value)
{
  MarUnit from, to;
  double base;

  g_return_val_if_fail (quantity != NULL, FALSE);

  if (!mar_quantity_to_base (quantity, &from, &base) ||
      !mar_unit_parse (ucum, &to) ||
      !mar_unit_is_compatible (&from, &to))
    return FALSE;
  if (value != NULL)
    *value = mar_unit_from_base (&to, base);
  return TRUE;
}

int
mar_quantity_compare_values (double a,
                             double b)
{
  double scale = MAX (fabs (a), fabs (b));

  if (fabs (a - b) <= MAR_QUANTITY_RELATIVE_EPSILON * scale)
    return 0;
  return a < b ? -1 : 1;
}

gboolean
mar_quantity_values_equal (double a,
                           double b)
{
  return mar_quantity_compare_values (a, b) == 0;
}

char *
mar_quantity_format_value (double value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  char format[8];
  GString *out;
  const char *point, *digits;
  double magnitude;
  int decimals, int_len;

  if (!isfinite (value))
    return g_strdup ("?");

  /* Six significant digits, then drop trailing zeros: enough for any
   * dose or rate, and 0.1 + 0.2 prints as 0.3. */
  magnitude = fabs (value);
  if (magnitude == 0)
    decimals = 0;
  else
    decimals = CLAMP (6 - (int) floor (log10 (magnitude)) - 1, 0, 9);
  g_snprintf (format, sizeof format, "%%.%df", decimals);
  g_ascii_formatd (buf, sizeof buf, format, value);

  if (strchr (buf, '.') != NULL)
    {
      char *end = buf + strlen (buf) - 1;

      while (*end == '0')
        *end-- = '\0';
      if (*end == '.')
        *end = '\0';
    }
  if (strcmp (buf, "-0") == 0)
    strcpy (buf, "0");

  /* ISMP: commas in numbers of 1,000 and more ("25,000 units"). */
  out = g_string_new (NULL);
  digits = buf;
  if (*digits == '-')
    {
      g_string_append_c (out, '-');
      digits++;
    }
  point = strchr (digits, '.');
  int_len = point != NULL ? (int) (point - digits) : (int) strlen (digits);
  for (int i = 0; i < int_len; i++)
    {
      if (i > 0 && (int_len - i) % 3 == 0)
        g_string_append_c (out, ',');
      g_string_append_c (out, digits[i]);
    }
  if (point != NULL)
    g_string_append (out, point);
  return g_string_free (out, FALSE);
}

/* "1 unit", "2 units" (ISMP: spell out "unit"). */
static const char *
numerator_display (int    symbol,
                   double value)
{
  if (symbols[symbol].dimension == MAR_DIMENSION_UNITS && mar_quantity_values_equal (value, 1.0))
    return "unit";
  return symbols[symbol].display;
}

char *
mar_quantity_format (double      value,
                     const char *ucum)
{
  g_autofree char *number = mar_quantity_format_value (value);
  g_autofree char *unit_display = NULL;
  MarUnit unit;

  if (ucum == NULL || *ucum == '\0')
    return g_steal_pointer (&number);
  if (mar_unit_parse (ucum, &unit))
    unit_display = display_with_numerator (&unit, numerator_display (unit.symbol, value));
  else
    unit_display = g_strdup (ucum);
  if (*unit_display == '\0')
    return g_steal_pointer (&number);
  return g_strdup_printf ("%s %s", number, unit_display);
}

char *
mar_quantity_format_base (double         base_value,
                          const MarUnit *unit)
{
  g_autofree char *number = NULL;
  g_autofree char *unit_display = NULL;
  const char *numerator;
  double v;

  g_return_val_if_fail (unit != NULL, NULL);

  /* Back into the unit's own denominators (per mL, per hour), then pick the
   * mass prefix that keeps the number at least 1. */
  v = base_value;
  if (unit->per_volume != 0)
    v *= unit->per_volume;
  if (unit->per_time != 0)
    v *= unit->per_time;

  if (unit->dimension == MAR_DIMENSION_MASS)
    {
      double m = fabs (v);
      int symbol;

      if (m >= 1.0 || m == 0)
        symbol = SYMBOL_G;
      else if (m >= 1e-3 * (1 - MAR_QUANTITY_RELATIVE_EPSILON))
        symbol = SYMBOL_MG;
      else
        symbol = SYMBOL_MCG;
      v /= symbols[symbol].factor;
      numerator = symbols[symbol].display;
    }
  else
    {
      const UnitSymbol *base = &symbols[SYMBOL_UNITY];

      for (guint i = 0; i < G_N_ELEMENTS (symbols); i++)
        if (symbols[i].dimension == unit->dimension && symbols[i].factor == 1.0)
          {
            base = &symbols[i];
            break;
          }
      numerator = numerator_display ((int) (base - symbols), v);
    }

  number = mar_quantity_format_value (v);
  unit_display = display_with_numerator (unit, numerator);
  if (*unit_display == '\0')
    return g_steal_pointer (&number);
  return g_strdup_printf ("%s %s", number, unit_display);
}
