# Compiler flags for the CPU that builds (and runs) the prover addon, printed for binding.gyp:
# -mbmi2 -madx when the CPU has mulx and adcx/adox (the field multiplication's assembly in
# groth16/field.h), nothing otherwise (the portable C++ is compiled instead).
import platform

flags = set()
if platform.machine() in ("x86_64", "AMD64"):
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("flags"):
                    flags = set(line.split(":", 1)[1].split())
                    break
    except OSError:
        pass
print("-mbmi2 -madx" if {"bmi2", "adx"} <= flags else "")
