#!/bin/busybox sh
# /init of a lab guest: asks the kernel what barplane decides about, and says it on the console.
# Every line meant for the host starts with "@@bp " (a JSON object) or "@@tar " (base64 of the
# sysfs capture); the kernel's own messages are kept off the console (loglevel) and ignored.
/bin/busybox --install -s /bin
export PATH=/bin
mkdir -p /proc /sys /dev /tmp
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
dmesg -n 1
. /etc/lab.conf

say() { echo "@@bp $*"; }
str() { printf '"%s"' "$(echo "$1" | sed 's/\\/\\\\/g; s/"/\\"/g')"; }

say "{\"type\":\"boot\",\"release\":$(str "$(uname -r)"),\"machine\":$(str "$(uname -m)"),\"cmdline\":$(str "$(cat /proc/cmdline)")}"

for m in $MODULES; do
  if ! insmod "/mod/$m.ko" 2>/tmp/insmod.err; then
    say "{\"type\":\"insmod\",\"module\":$(str "$m"),\"ok\":false,\"message\":$(str "$(cat /tmp/insmod.err)")}"
  fi
done
# Devices appear asynchronously after an IOMMU module is loaded; give the bus a moment.
sleep 1

# The capture: the files barplane's sysfs importer reads, copied as they are.
cap=/tmp/cap
dev=$cap/sys/bus/pci/devices
mkdir -p $dev $cap/proc/sys/kernel
cat /proc/sys/kernel/osrelease > $cap/proc/sys/kernel/osrelease
cat /proc/iomem > $cap/proc/iomem
for d in /sys/bus/pci/devices/*; do
  b=${d##*/}
  mkdir -p $dev/$b
  for f in vendor device class revision subsystem_vendor subsystem_device resource config; do
    [ -r $d/$f ] && cat $d/$f > $dev/$b/$f
  done
  [ -L $d/iommu_group ] && ln -s "../../../../kernel/iommu_groups/$(basename "$(readlink $d/iommu_group)")" $dev/$b/iommu_group
  [ -L $d/physfn ] && ln -s ../physfn $dev/$b/physfn
  drv=
  [ -L $d/driver ] && drv=$(basename "$(readlink $d/driver)")
  say "{\"type\":\"function\",\"bdf\":$(str "$b"),\"class\":$(str "$(cat $d/class)"),\"driver\":$(str "$drv")}"
done

# Ask vfio-pci to bind each bridge (header type 1 or 2) too, to see it refuse, then give the
# bridge back to its own driver.
for d in /sys/bus/pci/devices/*; do
  b=${d##*/}
  case $(od -An -tx1 -j14 -N1 $d/config | tr -d ' ') in 01|81|02|82) ;; *) continue;; esac
  drv=
  [ -L $d/driver ] && drv=$(basename "$(readlink $d/driver)") && echo $b > $d/driver/unbind
  echo vfio-pci > $d/driver_override
  echo $b > /sys/bus/pci/drivers_probe 2>/dev/null
  now=
  [ -L $d/driver ] && now=$(basename "$(readlink $d/driver)")
  why=$(dmesg | grep -F "$b" | grep -i vfio | tail -1)
  say "{\"type\":\"bind\",\"bdf\":$(str "$b"),\"bridge\":true,\"bound\":$([ "$now" = vfio-pci ] && echo true || echo false),\"driver\":$(str "$now"),\"kernel\":$(str "$why")}"
  [ "$now" = vfio-pci ] && echo $b > $d/driver/unbind
  echo > $d/driver_override
  [ -n "$drv" ] && echo $b > /sys/bus/pci/drivers_probe 2>/dev/null
done

# Bind every endpoint to vfio-pci.
bound=
for d in /sys/bus/pci/devices/*; do
  b=${d##*/}
  case $(cat $d/class) in 0x06*) continue;; esac
  [ -L $d/driver ] && echo $b > $d/driver/unbind
  echo vfio-pci > $d/driver_override
  echo $b > /sys/bus/pci/drivers_probe 2>/dev/null
  drv=
  [ -L $d/driver ] && drv=$(basename "$(readlink $d/driver)")
  if [ "$drv" = vfio-pci ]; then
    bound="$bound $b"
    say "{\"type\":\"bind\",\"bdf\":$(str "$b"),\"bound\":true}"
  else
    why=$(dmesg | grep -F "$b" | grep -i vfio | tail -1)
    say "{\"type\":\"bind\",\"bdf\":$(str "$b"),\"bound\":false,\"driver\":$(str "$drv"),\"kernel\":$(str "$why")}"
  fi
done

[ -n "$bound" ] && /bin/vfio-probe regions $bound

[ -x /etc/lab-extra.sh ] && . /etc/lab-extra.sh

tar -c -C $cap . | gzip | base64 | sed 's/^/@@tar /'
say "{\"type\":\"done\"}"
poweroff -f
