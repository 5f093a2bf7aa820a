/*
 * records.h — the judge's JSON records to the runner (fd 3), one per line,
 * one write(2) each. See schemas/records.schema.json.
 */
#ifndef KATA_RECORDS_H
#define KATA_RECORDS_H

#include <stddef.h>
#include <stdint.h>

struct out {
	char buf[16384];
	size_t len;
};

void rec_begin(struct out *o, const char *type);   /* {"t":type */
void rec_case(struct out *o);                       /* ,"case":current */
void rec_str(struct out *o, const char *s);         /* raw text */
void rec_json(struct out *o, const char *s, size_t n); /* a JSON string of any bytes */
void rec_jstr(struct out *o, const char *s);
void rec_fmt(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void rec_hex(struct out *o, const void *p, size_t n); /* "0a1b..." */
void rec_send(struct out *o);                       /* closes the record and writes it */

/* The case being run ("" outside one). */
extern const char *judge_current_case;

#endif
