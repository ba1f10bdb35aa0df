// sluice_raw_clone_vm() (see raw_syscall.hpp). In assembly because the child
// starts on a new stack: no compiler-made frame can be trusted after the
// system call returns in it.
#include "runtime/raw_syscall.hpp"

#if defined(__x86_64__)
// rdi = flags, rsi = stack top, rdx = fn, rcx = arg. fn and arg go on the
// new stack, where the child pops them; clone(flags, newsp, 0, 0, 0).
__asm__(R"(
  .text
  .globl sluice_raw_clone_vm
  .type sluice_raw_clone_vm, @function
sluice_raw_clone_vm:
  .cfi_startproc
  andq $-16, %rsi
  subq $16, %rsi
  movq %rdx, 0(%rsi)
  movq %rcx, 8(%rsi)
  xorl %edx, %edx
  xorl %r10d, %r10d
  xorl %r8d, %r8d
  movl $56, %eax
  syscall
  testq %rax, %rax
  jnz 1f
  .cfi_undefined rip
  xorl %ebp, %ebp
  popq %rax
  popq %rdi
  call *%rax
  movl %eax, %edi
  movl $60, %eax
  syscall
  hlt
1:
  ret
  .cfi_endproc
  .size sluice_raw_clone_vm, .-sluice_raw_clone_vm
  .section .note.GNU-stack,"",@progbits
  .text
)");
#elif defined(__aarch64__)
// x0 = flags, x1 = stack top, x2 = fn, x3 = arg; clone(flags, newsp, 0, 0, 0).
__asm__(R"(
  .text
  .globl sluice_raw_clone_vm
  .type sluice_raw_clone_vm, %function
sluice_raw_clone_vm:
  and x1, x1, #-16
  stp x2, x3, [x1, #-16]!
  mov x2, xzr
  mov x3, xzr
  mov x4, xzr
  mov x8, #220
  svc #0
  cbnz x0, 1f
  ldp x2, x0, [sp], #16
  blr x2
  mov x8, #93
  svc #0
  brk #0
1:
  ret
  .size sluice_raw_clone_vm, .-sluice_raw_clone_vm
  .section .note.GNU-stack,"",%progbits
  .text
)");
#endif
