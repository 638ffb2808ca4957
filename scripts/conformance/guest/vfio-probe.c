/*
 * vfio-probe: asks the running kernel what VFIO says about PCI functions, as JSON lines.
 * Runs inside the lab's guests (static, one build per architecture).
 *
 *   vfio-probe regions BDF...   every region of each function (VFIO_DEVICE_GET_REGION_INFO),
 *                               with the vfio lines of /proc/iomem while every device is open
 *   vfio-probe qmp TAG SOCKET CMD...    sends QMP commands to a QEMU monitor, prints each answer
 *   vfio-probe qtest TAG SOCKET LINE... drives a qtest QEMU (config writes that place guest BARs)
 *
 * Every output line starts with "@@bp " so the host can pick it out of a console that the
 * kernel also writes to. 64-bit values are printed as "0x..." strings, never as numbers.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include <linux/vfio.h>

#define PREFIX "@@bp "
#define MAX_GROUPS 64

static void json_string(const char *s) {
  putchar('"');
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\') printf("\\%c", c);
    else if (c < 0x20) printf("\\u%04x", c);
    else putchar(c);
  }
  putchar('"');
}

static void error_line(const char *bdf, const char *step, int err) {
  printf(PREFIX "{\"type\":\"error\",\"bdf\":");
  json_string(bdf);
  printf(",\"step\":\"%s\",\"errno\":%d,\"message\":", step, err);
  json_string(strerror(err));
  printf("}\n");
}

static const char *cap_name(unsigned id) {
  switch (id) {
    case VFIO_REGION_INFO_CAP_SPARSE_MMAP: return "SPARSE_MMAP";
    case VFIO_REGION_INFO_CAP_TYPE: return "TYPE";
    case VFIO_REGION_INFO_CAP_MSIX_MAPPABLE: return "MSIX_MAPPABLE";
    case 4: return "NVLINK2_SSATGT";
    case 5: return "NVLINK2_LNKSPD";
    default: return NULL;
  }
}

/* Walks the capability chain of one region's info; `buf` holds `len` bytes of it. */
static void print_caps(const char *buf, size_t len, uint32_t first) {
  int comma = 0;
  uint32_t at = first;
  printf(",\"caps\":[");
  for (int guard = 0; at != 0 && at + sizeof(struct vfio_info_cap_header) <= len && guard < 32; guard++) {
    const struct vfio_info_cap_header *h = (const void *)(buf + at);
    const char *name = cap_name(h->id);
    printf("%s{\"id\":%u,\"type\":", comma ? "," : "", h->id);
    json_string(name ? name : "UNKNOWN");
    if (h->id == VFIO_REGION_INFO_CAP_SPARSE_MMAP) {
      const struct vfio_region_info_cap_sparse_mmap *s = (const void *)h;
      printf(",\"areas\":[");
      for (uint32_t a = 0; a < s->nr_areas && at + sizeof *s + (a + 1) * sizeof s->areas[0] <= len; a++)
        printf("%s{\"offset\":\"0x%llx\",\"size\":\"0x%llx\"}", a ? "," : "",
               (unsigned long long)s->areas[a].offset, (unsigned long long)s->areas[a].size);
      printf("]");
    } else if (h->id == VFIO_REGION_INFO_CAP_TYPE) {
      const struct vfio_region_info_cap_type *t = (const void *)h;
      printf(",\"regionType\":%u,\"subtype\":%u", t->type, t->subtype);
    }
    printf("}");
    comma = 1;
    at = h->next;
  }
  printf("]");
}

static void print_region(int dev, unsigned index) {
  /* Ask once with a buffer large enough for any capability chain vfio-pci reports. */
  static char buf[1 << 16];
  struct vfio_region_info *ri = (void *)buf;
  memset(buf, 0, sizeof(struct vfio_region_info));
  ri->argsz = sizeof buf;
  ri->index = index;
  if (ioctl(dev, VFIO_DEVICE_GET_REGION_INFO, ri)) {
    printf("%s{\"index\":%u,\"errno\":%d}", index ? "," : "", index, errno);
    return;
  }
  printf("%s{\"index\":%u,\"size\":\"0x%llx\",\"offset\":\"0x%llx\",\"flags\":[", index ? "," : "", index,
         (unsigned long long)ri->size, (unsigned long long)ri->offset);
  const char *names[] = {"READ", "WRITE", "MMAP", "CAPS"};
  int comma = 0;
  for (int b = 0; b < 4; b++)
    if (ri->flags & (1u << b)) printf("%s\"%s\"", comma++ ? "," : "", names[b]);
  printf("],\"rawFlags\":%u", ri->flags);
  if ((ri->flags & VFIO_REGION_INFO_FLAG_CAPS) && ri->cap_offset)
    print_caps(buf, ri->argsz < sizeof buf ? ri->argsz : sizeof buf, ri->cap_offset);
  else
    printf(",\"caps\":[]");
  printf("}");
}

struct group { char name[32]; int fd; int container; };
static struct group groups[MAX_GROUPS];
static int ngroups;

/* The group of a function, opened once and attached to a container of its own. */
static int group_of(const char *bdf, char *name, size_t name_len) {
  char link[256], target[256];
  snprintf(link, sizeof link, "/sys/bus/pci/devices/%s/iommu_group", bdf);
  ssize_t n = readlink(link, target, sizeof target - 1);
  if (n < 0) { error_line(bdf, "iommu_group", errno); return -1; }
  target[n] = 0;
  const char *g = strrchr(target, '/');
  snprintf(name, name_len, "%.31s", g ? g + 1 : target);
  for (int i = 0; i < ngroups; i++)
    if (strcmp(groups[i].name, name) == 0) return groups[i].fd;
  if (ngroups == MAX_GROUPS) { error_line(bdf, "too-many-groups", E2BIG); return -1; }

  char path[64];
  snprintf(path, sizeof path, "/dev/vfio/%s", name);
  int fd = open(path, O_RDWR);
  if (fd < 0) { error_line(bdf, "open-group", errno); return -1; }
  struct vfio_group_status status = { .argsz = sizeof status };
  if (ioctl(fd, VFIO_GROUP_GET_STATUS, &status)) { error_line(bdf, "group-status", errno); close(fd); return -1; }
  if (!(status.flags & VFIO_GROUP_FLAGS_VIABLE)) { error_line(bdf, "group-not-viable", EBUSY); close(fd); return -1; }
  int container = open("/dev/vfio/vfio", O_RDWR);
  if (container < 0) { error_line(bdf, "open-container", errno); close(fd); return -1; }
  if (ioctl(fd, VFIO_GROUP_SET_CONTAINER, &container)) { error_line(bdf, "set-container", errno); close(fd); close(container); return -1; }
  const int types[] = { VFIO_TYPE1v2_IOMMU, VFIO_TYPE1_IOMMU, VFIO_SPAPR_TCE_v2_IOMMU, VFIO_SPAPR_TCE_IOMMU };
  const char *type_names[] = { "TYPE1v2", "TYPE1", "SPAPR_TCE_v2", "SPAPR_TCE" };
  int chosen = -1;
  for (int t = 0; t < 4 && chosen < 0; t++)
    if (ioctl(container, VFIO_CHECK_EXTENSION, types[t]) > 0 && ioctl(container, VFIO_SET_IOMMU, types[t]) == 0) chosen = t;
  if (chosen < 0) { error_line(bdf, "set-iommu", errno); close(fd); close(container); return -1; }
  printf(PREFIX "{\"type\":\"group\",\"group\":");
  json_string(name);
  printf(",\"iommu\":\"%s\"}\n", type_names[chosen]);
  snprintf(groups[ngroups].name, sizeof groups[ngroups].name, "%s", name);
  groups[ngroups].fd = fd;
  groups[ngroups].container = container;
  ngroups++;
  return fd;
}

static void print_iomem_vfio(void) {
  FILE *f = fopen("/proc/iomem", "r");
  if (!f) return;
  char line[256];
  while (fgets(line, sizeof line, f)) {
    if (!strstr(line, "vfio")) continue;
    unsigned long long start, end;
    if (sscanf(line, " %llx-%llx", &start, &end) != 2) continue;
    const char *name = strchr(line, ':');
    char *nl = strchr(line, '\n');
    if (nl) *nl = 0;
    printf(PREFIX "{\"type\":\"iomem\",\"start\":\"0x%llx\",\"end\":\"0x%llx\",\"name\":", start, end);
    json_string(name ? name + 2 : "");
    printf("}\n");
  }
  fclose(f);
}

static int regions(int argc, char **argv) {
  printf(PREFIX "{\"type\":\"host\",\"pageSize\":%ld}\n", sysconf(_SC_PAGESIZE));
  for (int i = 0; i < argc; i++) {
    const char *bdf = argv[i];
    char group[32];
    int gfd = group_of(bdf, group, sizeof group);
    if (gfd < 0) continue;
    int dev = ioctl(gfd, VFIO_GROUP_GET_DEVICE_FD, bdf);
    if (dev < 0) { error_line(bdf, "device-fd", errno); continue; }
    struct vfio_device_info di = { .argsz = sizeof di };
    if (ioctl(dev, VFIO_DEVICE_GET_INFO, &di)) { error_line(bdf, "device-info", errno); continue; }
    printf(PREFIX "{\"type\":\"device\",\"bdf\":");
    json_string(bdf);
    printf(",\"group\":");
    json_string(group);
    printf(",\"flags\":%u,\"numRegions\":%u,\"numIrqs\":%u,\"regions\":[", di.flags, di.num_regions, di.num_irqs);
    for (unsigned r = 0; r < di.num_regions; r++) print_region(dev, r);
    printf("]}\n");
    /* The fd stays open: vfio-pci holds its sub-page reservations only while a device is open. */
  }
  print_iomem_vfio();
  fflush(stdout);
  return 0;
}

/* Reads one line (one QMP message or qtest reply) from the socket; returns its length or -1. */
static ssize_t read_line(int fd, char *buf, size_t cap) {
  size_t n = 0;
  while (n + 1 < cap) {
    char c;
    ssize_t r = read(fd, &c, 1);
    if (r <= 0) return n ? (ssize_t)n : -1;
    if (c == '\n') break;
    buf[n++] = c;
  }
  buf[n] = 0;
  return (ssize_t)n;
}

/* Connects to a unix socket QEMU is about to open, retrying for up to a minute. */
static int connect_unix(const char *path) {
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path);
  for (int tries = 0; tries < 600; tries++) {
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) == 0) return fd;
    close(fd);
    struct timespec t = { 0, 100000000 };
    nanosleep(&t, NULL);
  }
  return -1;
}

static int send_line(int fd, const char *line) {
  return write(fd, line, strlen(line)) < 0 || write(fd, "\n", 1) < 0 ? -1 : 0;
}

/* qmp TAG SOCKET CMD...: sends each QMP command, prints each answer (events on the way too). */
static int qmp(int argc, char **argv) {
  if (argc < 2) { fprintf(stderr, "qmp TAG SOCKET CMD...\n"); return 2; }
  const char *tag = argv[0];
  int fd = connect_unix(argv[1]);
  if (fd < 0) { error_line(tag, "qmp-connect", errno); return 1; }
  static char line[1 << 20];
  if (read_line(fd, line, sizeof line) < 0) { error_line(tag, "qmp-greeting", EPROTO); return 1; }
  if (send_line(fd, "{\"execute\":\"qmp_capabilities\"}") || read_line(fd, line, sizeof line) < 0) { error_line(tag, "qmp-capabilities", EPROTO); return 1; }
  for (int i = 2; i < argc; i++) {
    if (send_line(fd, argv[i])) { error_line(tag, "qmp-write", errno); return 1; }
    for (;;) {
      if (read_line(fd, line, sizeof line) < 0) { error_line(tag, "qmp-read", EPROTO); return 1; }
      int is_event = strstr(line, "\"event\"") != NULL && strstr(line, "\"return\"") == NULL;
      printf(PREFIX "{\"type\":\"%s\",\"tag\":", is_event ? "qmp-event" : "qmp");
      json_string(tag);
      printf(",\"command\":");
      json_string(argv[i]);
      printf(",\"message\":%s}\n", line);
      if (!is_event) break;
    }
  }
  fflush(stdout);
  close(fd);
  return 0;
}

/* qtest TAG SOCKET LINE...: the qtest protocol ("outl 0xcf8 0x80002010"), one reply line each. */
static int qtest(int argc, char **argv) {
  if (argc < 2) { fprintf(stderr, "qtest TAG SOCKET LINE...\n"); return 2; }
  const char *tag = argv[0];
  int fd = connect_unix(argv[1]);
  if (fd < 0) { error_line(tag, "qtest-connect", errno); return 1; }
  static char line[4096];
  for (int i = 2; i < argc; i++) {
    if (send_line(fd, argv[i])) { error_line(tag, "qtest-write", errno); return 1; }
    /* Skip asynchronous IRQ notices ("IRQ raise ..."): only "OK ..." or "FAIL ..." answer a command. */
    do {
      if (read_line(fd, line, sizeof line) < 0) { error_line(tag, "qtest-read", EPROTO); return 1; }
    } while (strncmp(line, "IRQ", 3) == 0);
    if (strncmp(line, "OK", 2) != 0) {
      printf(PREFIX "{\"type\":\"qtest\",\"tag\":");
      json_string(tag);
      printf(",\"command\":");
      json_string(argv[i]);
      printf(",\"reply\":");
      json_string(line);
      printf("}\n");
    }
  }
  printf(PREFIX "{\"type\":\"qtest-done\",\"tag\":");
  json_string(tag);
  printf("}\n");
  fflush(stdout);
  /* The socket stays open until QEMU exits: closing it would end a qtest QEMU. */
  pause();
  return 0;
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  if (argc >= 2 && strcmp(argv[1], "regions") == 0) return regions(argc - 2, argv + 2);
  if (argc >= 2 && strcmp(argv[1], "qmp") == 0) return qmp(argc - 2, argv + 2);
  if (argc >= 2 && strcmp(argv[1], "qtest") == 0) return qtest(argc - 2, argv + 2);
  fprintf(stderr, "usage: vfio-probe regions BDF... | qmp TAG SOCKET CMD... | qtest TAG SOCKET LINE...\n");
  return 2;
}
