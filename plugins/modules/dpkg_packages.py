"""Module mlops_vm.lab.dpkg_packages: the installed packages, read from dpkg's database.

What ansible.builtin.package_facts (manager apt) answers, as the same fact, read with one
dpkg-query instead of loading apt's whole cache: 0.1 s instead of 0.7 s, on every run of every VM.
"""

from __future__ import annotations

DOCUMENTATION = r"""
module: dpkg_packages
short_description: The installed packages as ansible_facts.packages, from dpkg-query
description:
  - Sets C(ansible_facts.packages) as C(ansible.builtin.package_facts) does on Debian and Ubuntu,
    each installed package's name with a list of its installed instances (one per architecture),
    each with C(name), C(version), C(arch) and C(source) (C(apt)).
  - A package counts as installed when dpkg's status says so (C(ii), C(hi)); removed packages whose
    configuration files remain (C(rc)) and half-installed ones do not.
  - Reads only; supports check mode.
options: {}
"""

EXAMPLES = r"""
- name: Read the installed packages
  mlops_vm.lab.dpkg_packages:
"""

RETURN = r"""
ansible_facts:
  description: C(packages), as above.
  returned: always
  type: dict
"""

from ansible.module_utils.basic import AnsibleModule

# Status-Abbrev: the wanted state, the current state (i: installed), the error flag.
FORMAT = "${db:Status-Abbrev}|${Package}|${Version}|${Architecture}\n"


def main():
    module = AnsibleModule(argument_spec={}, supports_check_mode=True)
    dpkg_query = module.get_bin_path("dpkg-query", required=True)
    rc, out, err = module.run_command([dpkg_query, "--show", f"--showformat={FORMAT}"])
    if rc != 0:
        module.fail_json(msg=f"dpkg-query failed ({rc}): {err.strip()}")
    packages = {}
    for line in out.splitlines():
        status, name, version, arch = (line.split("|") + ["", "", ""])[:4]
        if len(status) >= 2 and status[1] == "i":
            packages.setdefault(name, []).append({"name": name, "version": version, "arch": arch, "source": "apt"})
    module.exit_json(changed=False, ansible_facts={"packages": packages})


if __name__ == "__main__":
    main()
