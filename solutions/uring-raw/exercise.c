/*
 * uring-raw: n blocks read through an io_uring set up and driven by hand.
 * io_uring_setup and io_uring_enter through our own syscall instruction,
 * the rings mapped with mmap, the SQ tail published with a store-release
 * after the SQEs are written, the CQ tail read with a load-acquire before
 * the CQEs are.
 */
#include <linux/io_uring.h>
#include <stddef.h>
#include <stdint.h>

enum { NR_MMAP = 9, NR_MUNMAP = 11, NR_CLOSE = 3, NR_IO_URING_SETUP = 425, NR_IO_URING_ENTER = 426 };

static inline long sys6(long n, long a, long b, long c, long d, long e, long f)
{
	long ret;
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	register long r9 __asm__("r9") = f;
	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
}

static inline void *map_ring(int fd, size_t len, long offset)
{
	/* PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE */
	return (void *)sys6(NR_MMAP, 0, (long)len, 3, 0x01 | 0x8000, fd, offset);
}

static inline int bad_map(void *p)
{
	return (unsigned long)p > -4096UL;
}

long ring_read(int fd, void *buf, unsigned block, unsigned n, const unsigned long long *offsets, unsigned depth)
{
	struct io_uring_params p;
	for (size_t i = 0; i < sizeof(p); i++)
		((unsigned char *)&p)[i] = 0;
	long ring = sys6(NR_IO_URING_SETUP, depth, (long)&p, 0, 0, 0, 0);
	if (ring < 0)
		return ring;

	size_t sq_len = p.sq_off.array + p.sq_entries * sizeof(unsigned);
	size_t cq_len = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
	int single = (p.features & IORING_FEAT_SINGLE_MMAP) != 0;
	if (single && cq_len > sq_len)
		sq_len = cq_len;
	size_t sqe_len = p.sq_entries * sizeof(struct io_uring_sqe);

	long ret = 0;
	unsigned char *sq = map_ring((int)ring, sq_len, IORING_OFF_SQ_RING);
	unsigned char *cq = single ? sq : map_ring((int)ring, cq_len, IORING_OFF_CQ_RING);
	struct io_uring_sqe *sqes = map_ring((int)ring, sqe_len, IORING_OFF_SQES);
	if (bad_map(sq) || bad_map(cq) || bad_map(sqes)) {
		ret = bad_map(sq) ? (long)sq : bad_map(cq) ? (long)cq : (long)sqes;
		goto out;
	}

	unsigned *sq_tail = (unsigned *)(sq + p.sq_off.tail);
	unsigned *sq_array = (unsigned *)(sq + p.sq_off.array);
	unsigned sq_mask = *(unsigned *)(sq + p.sq_off.ring_mask);
	unsigned *cq_head = (unsigned *)(cq + p.cq_off.head);
	unsigned *cq_tail = (unsigned *)(cq + p.cq_off.tail);
	unsigned cq_mask = *(unsigned *)(cq + p.cq_off.ring_mask);
	struct io_uring_cqe *cqes = (struct io_uring_cqe *)(cq + p.cq_off.cqes);

	long total = 0, first_error = 0;
	for (unsigned done = 0; done < n;) {
		unsigned batch = n - done < p.sq_entries ? n - done : p.sq_entries;
		unsigned tail = *sq_tail; /* only we write it */
		for (unsigned i = 0; i < batch; i++) {
			unsigned idx = tail & sq_mask;
			struct io_uring_sqe *sqe = &sqes[idx];
			for (size_t b = 0; b < sizeof(*sqe); b++)
				((unsigned char *)sqe)[b] = 0;
			sqe->opcode = IORING_OP_READ;
			sqe->fd = fd;
			sqe->off = offsets[done + i];
			sqe->addr = (unsigned long)((unsigned char *)buf + (size_t)(done + i) * block);
			sqe->len = block;
			sqe->user_data = done + i;
			sq_array[idx] = idx;
			tail++;
		}
		/* The SQEs and the array slots before the tail that publishes them. */
		__atomic_store_n(sq_tail, tail, __ATOMIC_RELEASE);
		long r = sys6(NR_IO_URING_ENTER, ring, batch, 0, 0, 0, 0);
		if (r < 0) {
			ret = r;
			goto out;
		}
		/* Completions, watched in memory: the kernel's tail store, then its CQEs. */
		for (unsigned seen = 0; seen < batch;) {
			unsigned head = *cq_head;
			unsigned ready = __atomic_load_n(cq_tail, __ATOMIC_ACQUIRE);
			for (; head != ready; head++, seen++) {
				struct io_uring_cqe *cqe = &cqes[head & cq_mask];
				if (cqe->res < 0 && !first_error)
					first_error = cqe->res;
				else if (cqe->res > 0)
					total += cqe->res;
			}
			__atomic_store_n(cq_head, head, __ATOMIC_RELEASE);
		}
		done += batch;
	}
	ret = first_error ? first_error : total;
out:
	if (!bad_map(sqes))
		sys6(NR_MUNMAP, (long)sqes, (long)sqe_len, 0, 0, 0, 0);
	if (!single && !bad_map(cq))
		sys6(NR_MUNMAP, (long)cq, (long)cq_len, 0, 0, 0, 0);
	if (!bad_map(sq))
		sys6(NR_MUNMAP, (long)sq, (long)sq_len, 0, 0, 0, 0);
	sys6(NR_CLOSE, ring, 0, 0, 0, 0, 0);
	return ret;
}
